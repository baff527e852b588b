import type { Metadata } from 'next';
import Link from 'next/link';
import { RangePresets } from '@/components/layout/range-presets';
import { channelLabels, purposeLabels } from '@/components/charts/palette';
import { DataTable } from '@/components/tables/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { td } from '@/components/ui/styles';
import { AnalyticsParams, resolveRange } from '@/lib/analytics/analytics-range';
import { formatCount, formatRate } from '@/lib/format';
import { codeDeliveryTimes } from '@/lib/metrics/code-delivery';
import { hrefWith, param, type SearchParams } from '@/lib/search-params';
import { analyticsPageContext } from '../analytics-page-context';

export const metadata: Metadata = { title: 'Where codes are slow' };

export default async function DeliveryPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await analyticsPageContext();
  const query = await searchParams;
  const p = AnalyticsParams.parse(
    Object.fromEntries(['range', 'start', 'end', 'country'].map((k) => [k, param(query, k)])),
  );
  const range = resolveRange(p);
  const rows = await codeDeliveryTimes(ctx, range, p.country);
  const num = 'tabular-nums whitespace-nowrap';
  return (
    <div className="space-y-4">
      <div>
        <Link
          href={hrefWith('/analytics', {}, { range: p.range, start: p.start ?? null, end: p.end ?? null })}
          className="text-sm text-indigo-700 hover:underline dark:text-indigo-300"
        >
          ← Analytics
        </Link>
        <div className="mt-1 flex flex-wrap items-end justify-between gap-3">
          <div>
            <h1 className="text-xl font-semibold">Where codes are slow</h1>
            <p className="max-w-3xl text-sm text-slate-600 dark:text-slate-400">
              Codes issued {range.label}
              {p.country ? ` in ${p.country}` : ''}: time from issue to delivery (the platform sends{' '}
              <code className="font-mono text-xs">otp.delivered</code> when its provider confirms) and from issue to
              use, from the events&apos; own times. Times are counted in buckets (5, 10, 30, 60, 120 s and more): a
              percentile shows the upper bound of its bucket.
            </p>
          </div>
          <RangePresets path="/analytics/delivery" query={query} active={p.range} />
        </div>
      </div>
      {rows.length === 0 ? (
        <EmptyState title="No timed codes in this range">
          A code is timed once its issue and its delivery (or use) have both arrived.
        </EmptyState>
      ) : (
        <DataTable
          label="Code delivery and use times"
          columns={[
            'Channel',
            'Purpose',
            'Delivered',
            'Arrived p50',
            'Arrived p90',
            'Over 30 s',
            'Used',
            'Used p50',
            'Used p90',
          ]}
        >
          {rows.map((r) => (
            <tr key={`${r.channel}|${r.purpose}`}>
              <td className={td}>{channelLabels[r.channel] ?? r.channel}</td>
              <td className={td}>{purposeLabels[r.purpose] ?? r.purpose}</td>
              <td className={`${td} ${num}`}>{formatCount(r.delivered.codes)}</td>
              <td className={`${td} ${num}`}>{r.delivered.p50 ?? '—'}</td>
              <td className={`${td} ${num}`}>{r.delivered.p90 ?? '—'}</td>
              <td className={`${td} ${num}`}>{formatRate(r.delivered.over30s)}</td>
              <td className={`${td} ${num}`}>{formatCount(r.verified.codes)}</td>
              <td className={`${td} ${num}`}>{r.verified.p50 ?? '—'}</td>
              <td className={`${td} ${num}`}>{r.verified.p90 ?? '—'}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
