import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { pageContext } from '@/app/_adapters/page-context';
import { ReportStatusBadge } from '@/components/reports/report-badges';
import { DataTable } from '@/components/tables/data-table';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { mono, td } from '@/components/ui/styles';
import { utcLabel } from '@/components/ui/time-ago';
import { can } from '@/lib/auth/permissions';
import { campaignReports, reportCampaigns } from '@/lib/reports/report-campaigns';
import { param, type SearchParams } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Campaigns' };

const kindLabels = { sender: 'Sender number', caller: 'Caller number', domain: 'Link domain' } as const;

/** A tiny bar per day: how a wave grew and faded. */
function DayBars({ days }: { days: { day: string; n: number }[] }) {
  const max = Math.max(...days.map((d) => d.n), 1);
  return (
    <span className="inline-flex h-6 items-end gap-0.5" aria-label={days.map((d) => `${d.day}: ${d.n}`).join(', ')}>
      {days.map((d) => (
        <span
          key={d.day}
          title={`${d.day}: ${d.n}`}
          className="w-2 bg-indigo-500"
          style={{ height: `${Math.max(10, (d.n / max) * 100)}%` }}
        />
      ))}
    </span>
  );
}

export default async function CampaignsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext();
  if (!can(ctx.actor, 'reports.view')) notFound();
  const query = await searchParams;
  const kind = param(query, 'kind');
  const key = param(query, 'key');
  const [campaigns, selected] = await Promise.all([
    reportCampaigns(ctx),
    kind && key ? campaignReports(ctx, kind, key).catch(() => null) : Promise.resolve(null),
  ]);
  return (
    <div className="space-y-4">
      <div>
        <Link href="/reports" className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
          ← Report queue
        </Link>
        <h1 className="mt-1 text-xl font-semibold">Campaigns</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Reports from different customers that share a sender number, a caller number or a link domain: one wave, seen
          as one thing.
        </p>
      </div>
      {campaigns.length === 0 ? (
        <EmptyState title="No campaigns yet">
          When two or more reports share a sender, a caller or a link domain, they are grouped here.
        </EmptyState>
      ) : (
        <DataTable label="Campaigns" columns={['Shared', 'Value', 'Reports', 'Accounts', 'First', 'Latest', 'Per day']}>
          {campaigns.map((c) => (
            <tr key={`${c.kind}:${c.key}`}>
              <td className={td}>{kindLabels[c.kind]}</td>
              <td className={td}>
                <Link
                  href={`/reports/campaigns?kind=${c.kind}&key=${encodeURIComponent(c.key)}`}
                  className={`${mono} text-indigo-700 hover:underline dark:text-indigo-300`}
                >
                  {c.key}
                </Link>
              </td>
              <td className={td}>{c.reports}</td>
              <td className={td}>{c.accounts}</td>
              <td className={`${td} whitespace-nowrap`}>{utcLabel(c.firstAt).slice(0, 16)}</td>
              <td className={`${td} whitespace-nowrap`}>{utcLabel(c.lastAt).slice(0, 16)}</td>
              <td className={td}>
                <DayBars days={c.byDay} />
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {selected ? (
        <Card title={`${kindLabels[kind as keyof typeof kindLabels] ?? 'Campaign'} ${key}: ${selected.length} reports`}>
          <DataTable label="Reports in the campaign" framed={false} columns={['Report', 'Filed', 'Status', 'Account']}>
            {selected.map((r) => (
              <tr key={r.id}>
                <td className={td}>
                  <Link href={`/reports/${r.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                    {r.reference}
                  </Link>
                </td>
                <td className={`${td} whitespace-nowrap`}>{utcLabel(r.createdAt)}</td>
                <td className={td}>
                  <ReportStatusBadge status={r.status} />
                </td>
                <td className={td}>
                  {r.accountId ? (
                    <Link href={`/accounts/${r.accountId}`} className="hover:underline">
                      {r.accountName ?? r.accountExternalId}
                    </Link>
                  ) : (
                    'no match'
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        </Card>
      ) : null}
    </div>
  );
}
