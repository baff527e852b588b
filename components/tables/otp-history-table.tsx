import { Badge, type Tone } from '@/components/ui/badge';
import { TimeAgo } from '@/components/ui/time-ago';
import { mono, tableClass, td, th } from '@/components/ui/styles';
import type { OtpHistoryItem } from '@/lib/data/account-history';

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
    <div className="overflow-x-auto">
      <table className={tableClass} aria-label="One-time codes">
        <thead className="border-b border-slate-200 dark:border-slate-800">
          <tr>
            <th className={th}>Time</th>
            <th className={th}>Event</th>
            <th className={th}>Channel</th>
            <th className={th}>Purpose</th>
            <th className={th}>Reason</th>
            <th className={th}>Code id</th>
            <th className={th}>IP</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
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
        </tbody>
      </table>
    </div>
  );
}
