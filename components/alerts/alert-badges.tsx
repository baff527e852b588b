import type { AlertSeverity, AlertStatus } from '@/lib/alerts/alert-reads';
import { Badge, type Tone } from '@/components/ui/badge';

export function SeverityBadge({ severity }: { severity: AlertSeverity }) {
  return <Badge tone={severity}>{severity}</Badge>;
}

const statusTones: Record<AlertStatus, Tone> = {
  open: 'high',
  acknowledged: 'info',
  resolved: 'good',
  dismissed: 'low',
};

export function AlertStatusBadge({ status }: { status: AlertStatus }) {
  return <Badge tone={statusTones[status]}>{status}</Badge>;
}
