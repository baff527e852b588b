import Link from 'next/link';
import type { AccountSummary } from '@/lib/data/accounts';
import { TimeAgo } from '@/components/ui/time-ago';
import { mono, tableClass, td, th } from '@/components/ui/styles';
import { StatusBadge, TwoFactorBadge } from './two-factor-badge';

export function AccountsTable({ items, now }: { items: AccountSummary[]; now: Date }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <table className={tableClass}>
        <thead className="border-b border-slate-200 dark:border-slate-800">
          <tr>
            <th className={th}>Customer</th>
            <th className={th}>E-mail</th>
            <th className={th}>Phone</th>
            <th className={th}>Platform id</th>
            <th className={th}>Status</th>
            <th className={th}>2FA</th>
            <th className={th}>Last activity</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
          {items.map((a) => (
            <tr key={a.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/50">
              <td className={td}>
                <Link href={`/accounts/${a.id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
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
        </tbody>
      </table>
    </div>
  );
}
