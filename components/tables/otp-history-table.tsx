import { Badge, type Tone } from '@/components/ui/badge';
import { DataTable } from './data-table';
import { TimeAgo } from '@/components/ui/time-ago';
import { mono, td } from '@/components/ui/styles';
import type { OtpHistoryItem } from '@/lib/accounts/account-history';

const kindTone: Record<string, Tone> = { issued: 'info', verified: 'good', failed: 'high', delivery_failed: 'medium' };
const channelLabel: Record<string, string> = { sms: 'SMS', email: 'e-mail', voice: 'voice', totp: 'authenticator app' };
const purposeLabel: Record<string, string> = {
  login: 'login',
  transaction: 'payment',
  delivery: 'delivery hand-over',
  password_reset: 'password reset',
  contact_change: 'contact change',
};

export function OtpHistoryTable({ items, now }: { items: OtpHistoryItem[]; now: Date }) {
  return (
    <DataTable
      label="One-time codes"
      columns={['Time', 'Event', 'Channel', 'Purpose', 'Reason', 'Code id', 'IP']}
      framed={false}
    >
      {items.map((e) => (
        <tr key={e.id}>
          <td className={td}>
            <TimeAgo date={e.occurredAt} now={now} />
          </td>
          <td className={td}>
            <Badge tone={kindTone[e.kind] ?? 'low'}>{e.kind.replace('_', ' ')}</Badge>
          </td>
          <td className={td}>{channelLabel[e.channel] ?? e.channel}</td>
          <td className={td}>{purposeLabel[e.purpose] ?? e.purpose}</td>
          <td className={td}>{e.failureReason ?? '—'}</td>
          <td className={`${td} ${mono}`}>{e.otpId}</td>
          <td className={`${td} ${mono}`}>{e.ip ?? '—'}</td>
        </tr>
      ))}
    </DataTable>
  );
}
