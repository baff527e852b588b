import { Badge, type Tone } from '@/components/ui/badge';

const priorityTones: Record<string, Tone> = { urgent: 'critical', high: 'high', normal: 'medium', low: 'low' };
const statusTones: Record<string, Tone> = {
  new: 'high',
  triaged: 'info',
  investigating: 'info',
  awaiting_customer: 'medium',
  resolved: 'good',
  rejected: 'low',
};

export const categoryLabels: Record<string, string> = {
  unrequested_code: 'Code not asked for',
  impersonation: 'Fake support contact',
  phishing: 'Phishing message',
  unauthorized_order: 'Order not made',
  delivery_code: 'Delivery code',
  other: 'Something else',
};

export function PriorityBadge({ priority }: { priority: string }) {
  return <Badge tone={priorityTones[priority] ?? 'low'}>{priority}</Badge>;
}

export function ReportStatusBadge({ status }: { status: string }) {
  return <Badge tone={statusTones[status] ?? 'low'}>{status.replace('_', ' ')}</Badge>;
}
