import Link from 'next/link';
import { DataTable } from './data-table';
import type { AccountSummary } from '@/lib/accounts/accounts';
import { TimeAgo } from '@/components/ui/time-ago';
import { mono, td } from '@/components/ui/styles';
import { StatusBadge, TwoFactorBadge } from './two-factor-badge';

export function AccountsTable({ items, now }: { items: AccountSummary[]; now: Date }) {
  return (
    <DataTable
      label="Accounts"
      columns={['Customer', 'E-mail', 'Phone', 'Platform id', 'Status', '2FA', 'Last activity']}
    >
      {items.map((a) => (
        <tr key={a.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/50">
          <td className={td}>
            <Link
              href={`/accounts/${a.id}`}
              className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
            >
              {a.displayName ?? a.externalId}
            </Link>
          </td>
          <td className={td}>{a.email ?? '—'}</td>
          <td className={`${td} ${mono}`}>{a.phone ?? '—'}</td>
          <td className={`${td} ${mono}`}>{a.externalId}</td>
          <td className={td}>
            <StatusBadge status={a.status} />
          </td>
          <td className={td}>
            <TwoFactorBadge enabled={a.twoFactorEnabled} method={a.twoFactorMethod} />
          </td>
          <td className={td}>
            <TimeAgo date={a.lastEventAt} now={now} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
