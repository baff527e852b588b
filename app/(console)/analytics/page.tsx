import type { Metadata } from 'next';
import Link from 'next/link';
import { RangePresets } from '@/components/layout/range-presets';
import { AnalyticsDashboard } from '@/components/charts/analytics-dashboard';
import { LabeledInput } from '@/components/forms/labeled-input';
import { LabeledSelect } from '@/components/forms/labeled-select';
import { channelLabels, purposeLabels } from '@/components/charts/palette';
import { buttonPrimary } from '@/components/ui/styles';
import { AnalyticsParams, resolveRange } from '@/lib/analytics/analytics-range';
import { hrefWith, param, type SearchParams } from '@/lib/search-params';
import { analyticsPageContext } from './analytics-page-context';

export const metadata: Metadata = { title: 'Analytics' };

export default async function AnalyticsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  await analyticsPageContext();
  const query = await searchParams;
  const p = AnalyticsParams.parse(
    Object.fromEntries(['range', 'start', 'end', 'channel', 'purpose', 'country'].map((k) => [k, param(query, k)])),
  );
  const range = resolveRange(p);
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Analytics</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            One-time codes and logins, {range.label}, in {range.granularity === 'hour' ? 'hourly' : 'daily'} UTC
            buckets. Refreshes every minute.{' '}
            <Link
              href={hrefWith('/analytics/prefixes', {}, { range: p.range, start: p.start ?? null, end: p.end ?? null })}
              className="text-indigo-700 underline dark:text-indigo-300"
            >
              Codes by destination prefix →
            </Link>{' '}
            <Link
              href={hrefWith('/analytics/delivery', {}, { range: p.range, start: p.start ?? null, end: p.end ?? null })}
              className="text-indigo-700 underline dark:text-indigo-300"
            >
              Where codes are slow →
            </Link>
          </p>
        </div>
        <RangePresets path="/analytics" query={query} active={p.range} />
      </div>
      <div className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3 dark:border-slate-800 dark:bg-slate-900">
        <form action="/analytics" className="flex flex-wrap items-end gap-3" aria-label="Filters">
          <input type="hidden" name="range" value={p.range} />
          {p.range === 'custom' ? (
            <>
              <input type="hidden" name="start" value={p.start ?? ''} />
              <input type="hidden" name="end" value={p.end ?? ''} />
            </>
          ) : null}
          {(
            [
              ['channel', 'Channel', channelLabels],
              ['purpose', 'Purpose', purposeLabels],
            ] as const
          ).map(([name, label, labels]) => (
            <LabeledSelect
              key={name}
              id={`a-${name}`}
              name={name}
              label={label}
              value={p[name]}
              options={Object.entries(labels).map(([value, text]) => ({ value, label: text }))}
            />
          ))}
          <LabeledInput
            id="a-country"
            label="Country (ISO code)"
            name="country"
            defaultValue={p.country ?? ''}
            placeholder="e.g. GB"
            maxLength={7}
            className="w-28"
          />
          <button type="submit" className={buttonPrimary}>
            Apply filters
          </button>
          <Link href="/analytics" className="py-1.5 text-sm text-slate-600 hover:underline dark:text-slate-400">
            Reset
          </Link>
        </form>
        <form action="/analytics" className="ml-auto flex flex-wrap items-end gap-3" aria-label="Custom range">
          <input type="hidden" name="range" value="custom" />
          {p.channel ? <input type="hidden" name="channel" value={p.channel} /> : null}
          {p.purpose ? <input type="hidden" name="purpose" value={p.purpose} /> : null}
          {p.country ? <input type="hidden" name="country" value={p.country} /> : null}
          <LabeledInput
            id="a-start"
            label="From (UTC day)"
            name="start"
            type="date"
            required
            defaultValue={range.from.slice(0, 10)}
          />
          <LabeledInput
            id="a-end"
            label="To (UTC day, inclusive)"
            name="end"
            type="date"
            required
            defaultValue={new Date(Date.parse(range.to) - 1).toISOString().slice(0, 10)}
          />
          <button type="submit" className={buttonPrimary}>
            Show range
          </button>
        </form>
      </div>
      <AnalyticsDashboard
        key={`${range.from}|${range.to}|${p.channel}|${p.purpose}|${p.country}`}
        range={range}
        filters={{ channel: p.channel, purpose: p.purpose, country: p.country }}
      />
    </div>
  );
}
