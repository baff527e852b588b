import { Badge } from '@/components/ui/badge';
import { DataTable } from './data-table';
import { TimeAgo } from '@/components/ui/time-ago';
import { mono, td } from '@/components/ui/styles';
import type { LoginHistoryItem } from '@/lib/accounts/account-history';
import { countryName } from '@/lib/format';

const reasonLabel: Record<string, string> = {
  bad_password: 'wrong password',
  unknown_account: 'unknown account',
  account_locked: 'account locked',
  otp_failed: 'code not verified',
  other: 'other',
};

export function LoginHistoryTable({ items, now }: { items: LoginHistoryItem[]; now: Date }) {
  return (
    <DataTable
      label="Login history"
      columns={['Time', 'Outcome', 'Reason / method', 'IP', 'Device', 'Country']}
      framed={false}
    >
      {items.map((e) => (
        <tr key={e.id}>
          <td className={td}>
            <TimeAgo date={e.occurredAt} now={now} />
          </td>
          <td className={td}>
            {e.outcome === 'succeeded' ? <Badge tone="good">succeeded</Badge> : <Badge tone="high">failed</Badge>}
          </td>
          <td className={td}>
            {e.outcome === 'failed' ? (reasonLabel[e.failureReason ?? 'other'] ?? e.failureReason) : (e.method ?? '—')}
          </td>
          <td className={`${td} ${mono}`}>{e.ip ?? '—'}</td>
          <td className={td}>
            <span className={mono} title={e.userAgent ?? undefined}>
              {e.deviceId ?? '—'}
            </span>{' '}
            {e.firstSeenDevice ? (
              <Badge tone="medium" title="No earlier login of this account came from this device">
                new device
              </Badge>
            ) : null}
          </td>
          <td className={td}>
            <span title={countryName(e.country)}>{e.country ?? '—'}</span>{' '}
            {e.firstSeenCountry ? (
              <Badge tone="medium" title="No earlier login of this account came from this country">
                new country
              </Badge>
            ) : null}
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
