import { Badge } from '@/components/ui/badge';

const methodLabel: Record<string, string> = { sms: 'SMS', email: 'e-mail', totp: 'app' };

export function TwoFactorBadge({ enabled, method }: { enabled: boolean; method: string | null }) {
  if (!enabled) return <Badge tone="medium">2FA off</Badge>;
  return <Badge tone="good">2FA {method ? (methodLabel[method] ?? method) : 'on'}</Badge>;
}

export function StatusBadge({ status }: { status: string }) {
  return status === 'locked' ? <Badge tone="critical">locked</Badge> : <Badge tone="good">active</Badge>;
}
