import type { Metadata } from 'next';
import Link from 'next/link';
import { channelLabels, purposeLabels } from '@/components/charts/palette';
import { DataTable } from '@/components/tables/data-table';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { mono, td } from '@/components/ui/styles';
import { AnalyticsParams, resolveRange } from '@/lib/analytics/analytics-range';
import { codesOfPrefix } from '@/lib/metrics/codes-by-prefix';
import { hrefWith, param, type SearchParams } from '@/lib/search-params';
import { analyticsPageContext } from '../../analytics-page-context';

export const metadata: Metadata = { title: 'Codes to a number prefix' };

const shown = 200;

export default async function PrefixCodesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await analyticsPageContext();
  const query = await searchParams;
  const p = AnalyticsParams.parse(Object.fromEntries(['range', 'start', 'end'].map((k) => [k, param(query, k)])));
  const range = resolveRange(p);
  const raw = param(query, 'prefix') ?? '';
  const prefix = /^\+\d{1,15}$/.test(raw) ? raw : null;
  const back = hrefWith('/analytics/prefixes', {}, { range: p.range, start: p.start ?? null, end: p.end ?? null });
  const codes = prefix ? await codesOfPrefix(ctx, prefix, range, shown) : [];
  return (
    <div className="space-y-4">
      <div>
        <Link href={back} className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
          ← Codes by destination prefix
        </Link>
        <h1 className="mt-1 text-xl font-semibold">
          Codes to <span className={mono}>{prefix ?? '?'}…</span>
        </h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          SMS and voice codes issued to numbers under this prefix, {range.label}, newest first (the latest {shown}).
        </p>
      </div>
      {!prefix ? (
        <EmptyState title="Not a number prefix">
          The link should name a prefix such as +234803. Open one from the prefix table.
        </EmptyState>
      ) : codes.length === 0 ? (
        <EmptyState title="No codes to this prefix in the range">Widen the range on the prefix table.</EmptyState>
      ) : (
        <DataTable
          label="Codes to the prefix"
          columns={['Time (UTC)', 'Number', 'Account', 'Channel', 'Purpose', 'Used', 'Country', 'IP']}
        >
          {codes.map((c) => (
            <tr key={c.eventId}>
              <td className={`${td} whitespace-nowrap`}>{c.occurredAt.toISOString().slice(0, 19).replace('T', ' ')}</td>
              <td className={`${td} ${mono} whitespace-nowrap`}>{c.number ?? '—'}</td>
              <td className={td}>
                <Link
                  href={`/accounts/${c.accountId}`}
                  className={`${mono} text-indigo-700 hover:underline dark:text-indigo-300`}
                >
                  {c.account}
                </Link>
              </td>
              <td className={td}>{channelLabels[c.channel] ?? c.channel}</td>
              <td className={td}>{purposeLabels[c.purpose] ?? c.purpose}</td>
              <td className={td}>
                {c.verified ? <Badge tone="good">verified</Badge> : <Badge tone="low">never</Badge>}
              </td>
              <td className={td}>{c.country ?? '—'}</td>
              <td className={`${td} ${mono}`}>{c.ip ?? '—'}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
