import type { Metadata } from 'next';
import Link from 'next/link';
import { RangePresets } from '@/components/layout/range-presets';
import { DataTable } from '@/components/tables/data-table';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { mono, td } from '@/components/ui/styles';
import { AnalyticsParams, resolveRange } from '@/lib/analytics/analytics-range';
import { formatCount, formatRate } from '@/lib/format';
import { codesByPrefix, distinctCap, prefixSorts, type PrefixSort } from '@/lib/metrics/codes-by-prefix';
import { hrefWith, param, type SearchParams } from '@/lib/search-params';
import { analyticsPageContext } from '../analytics-page-context';

export const metadata: Metadata = { title: 'Codes by destination prefix' };

const sortLabels: Record<PrefixSort, string> = {
  issued: 'Issued',
  verified: 'Verified',
  conversion: 'Conversion',
  numbers: 'Numbers',
  accounts: 'Accounts',
};

export default async function PrefixesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await analyticsPageContext();
  const query = await searchParams;
  const p = AnalyticsParams.parse(Object.fromEntries(['range', 'start', 'end'].map((k) => [k, param(query, k)])));
  const range = resolveRange(p);
  const sortParam = param(query, 'sort');
  const sort: PrefixSort = prefixSorts.includes(sortParam as PrefixSort) ? (sortParam as PrefixSort) : 'issued';
  const table = await codesByPrefix(ctx, range, sort);
  const rangeQuery = { range: p.range, start: p.start ?? null, end: p.end ?? null };
  return (
    <div className="space-y-4">
      <div>
        <Link
          href={hrefWith('/analytics', {}, rangeQuery)}
          className="text-sm text-indigo-700 hover:underline dark:text-indigo-300"
        >
          ← Analytics
        </Link>
        <div className="mt-1 flex flex-wrap items-end justify-between gap-3">
          <div>
            <h1 className="text-xl font-semibold">Codes by destination prefix</h1>
            <p className="max-w-3xl text-sm text-slate-600 dark:text-slate-400">
              SMS and voice codes, {range.label}, grouped by country calling code + {table.digits} digits (the
              SMS-pumping rule&apos;s setting). Overall conversion {formatRate(table.overallConversion)}; a prefix
              converting under half of that is flagged. The {formatCount(table.rows.length)} busiest prefixes are shown.
            </p>
          </div>
          <RangePresets path="/analytics/prefixes" query={query} active={p.range} />
        </div>
      </div>
      {table.rows.length === 0 ? (
        <EmptyState title="No SMS or voice codes in this range">
          Codes appear here once the platform sends codes with the customer&apos;s phone (account.phone).
        </EmptyState>
      ) : (
        <>
          <nav aria-label="Sort by" className="flex flex-wrap items-center gap-2 text-sm">
            <span className="text-slate-600 dark:text-slate-400">Sort by</span>
            {prefixSorts.map((s) => (
              <Link
                key={s}
                href={hrefWith('/analytics/prefixes', query, { sort: s })}
                aria-current={s === sort ? 'true' : undefined}
                className={
                  s === sort
                    ? 'font-semibold text-slate-900 underline dark:text-slate-100'
                    : 'text-indigo-700 hover:underline dark:text-indigo-300'
                }
              >
                {sortLabels[s]}
                {s === 'conversion' ? ' (lowest first)' : ''}
              </Link>
            ))}
          </nav>
          <DataTable
            label="Codes by destination prefix"
            columns={['Prefix', 'Issued', 'Verified', 'Conversion', 'Numbers', 'Accounts', '']}
          >
            {table.rows.map((r) => (
              <tr key={r.prefix} className={r.farBelow ? 'bg-amber-50 dark:bg-amber-950/30' : undefined}>
                <td className={`${td} ${mono} whitespace-nowrap`}>{r.prefix}…</td>
                <td className={`${td} tabular-nums`}>{formatCount(r.issued)}</td>
                <td className={`${td} tabular-nums`}>{formatCount(r.verified)}</td>
                <td className={`${td} tabular-nums whitespace-nowrap`}>
                  {formatRate(r.conversion)}{' '}
                  {r.farBelow ? (
                    <Badge tone="high" title="Under half the overall conversion">
                      far below
                    </Badge>
                  ) : null}
                </td>
                <td className={`${td} tabular-nums`}>
                  {formatCount(r.numbers)}
                  {r.capped ? '+' : ''}
                </td>
                <td className={`${td} tabular-nums`}>
                  {formatCount(r.accounts)}
                  {r.capped ? '+' : ''}
                </td>
                <td className={td}>
                  <Link
                    href={hrefWith('/analytics/prefixes/codes', {}, { ...rangeQuery, prefix: r.prefix })}
                    className="whitespace-nowrap text-indigo-700 hover:underline dark:text-indigo-300"
                  >
                    Codes →
                  </Link>
                </td>
              </tr>
            ))}
          </DataTable>
          {table.rows.some((r) => r.capped) ? (
            <p className="text-xs text-slate-600 dark:text-slate-400">
              + numbers and accounts counted over the prefix&apos;s latest {formatCount(distinctCap)} codes in the
              range.
            </p>
          ) : null}
        </>
      )}
    </div>
  );
}
