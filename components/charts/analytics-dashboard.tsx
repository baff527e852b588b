'use client';

import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Stat } from '@/components/ui/stat';
import type { ResolvedRange } from '@/lib/analytics/analytics-range';
import { formatChange, formatRate } from '@/lib/format';
import type { LoginMetrics } from '@/lib/metrics/login-metrics';
import type { OtpMetrics } from '@/lib/metrics/otp-metrics';
import { ChartCard } from './chart-card';
import { RankedBars, RateLines, StackedCounts, type ChartRow } from './metric-charts';
import {
  channelColors,
  channelLabels,
  loginReasonColors,
  outcomeColors,
  purposeColors,
  purposeLabels,
  reasonColors,
  reasonLabels,
} from './palette';

export interface DashboardFilters {
  channel?: string;
  purpose?: string;
  country?: string;
}

async function fetchJson<T>(path: string, params: Record<string, string | undefined>): Promise<T> {
  const qs = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined));
  const res = await fetch(`${path}?${qs.toString()}`, { headers: { accept: 'application/json' } });
  if (!res.ok) throw new Error(`${path} answered ${res.status}`);
  return (await res.json()) as T;
}

/** Buckets of each series, pivoted into one row per bucket for recharts. */
function pivot<B extends { start: string }>(
  series: { key: string; buckets: B[] }[],
  pick: (b: B) => number | null,
  keyOf = (k: string) => k,
): ChartRow[] {
  const rows: ChartRow[] = (series[0]?.buckets ?? []).map((b) => ({ start: b.start }));
  for (const s of series) s.buckets.forEach((b, i) => void (rows[i]![keyOf(s.key)] = pick(b)));
  return rows;
}

const pct = formatRate;
const delta = (current: number | null, previous: number | null, kind: 'count' | 'rate') =>
  formatChange(current, previous, kind, 'previous period');

/** One metrics request, refreshed every minute. */
function useMetrics<T>(key: string, path: string, params: Record<string, string | undefined>) {
  return useQuery({ queryKey: [key, params], queryFn: () => fetchJson<T>(path, params), refetchInterval: 60_000 });
}

function Dashboard({ range, filters }: { range: ResolvedRange; filters: DashboardFilters }) {
  const router = useRouter();
  const base = { from: range.from, to: range.to, granularity: range.granularity, ...filters };
  const previous = { from: range.previousFrom, to: range.from, granularity: range.granularity, ...filters };
  const byChannel = useMetrics<OtpMetrics>('otp', '/api/v1/metrics/otp', { ...base, groupBy: 'channel' });
  const byPurpose = useMetrics<OtpMetrics>('otp', '/api/v1/metrics/otp', { ...base, groupBy: 'purpose' });
  const byCountry = useMetrics<OtpMetrics>('otp', '/api/v1/metrics/otp', { ...base, groupBy: 'country' });
  const prevOtp = useMetrics<OtpMetrics>('otp', '/api/v1/metrics/otp', { ...previous, groupBy: 'none' });
  const logins = useMetrics<LoginMetrics>('logins', '/api/v1/metrics/logins', {
    from: range.from,
    to: range.to,
    granularity: range.granularity,
    country: filters.country,
    groupBy: 'reason',
  });
  const prevLogins = useMetrics<LoginMetrics>('logins', '/api/v1/metrics/logins', {
    from: range.previousFrom,
    to: range.from,
    granularity: range.granularity,
    country: filters.country,
    groupBy: 'none',
  });

  const state = (r: { isPending: boolean; isError: boolean }) =>
    r.isPending ? 'loading' : r.isError ? 'error' : 'ready';
  const drill = (kind: string) => (start: string, key?: string) => {
    const unit = range.granularity === 'hour' ? 3_600_000 : 86_400_000;
    const params = new URLSearchParams({ from: start, to: new Date(Date.parse(start) + unit).toISOString(), kind });
    for (const [k, v] of Object.entries(filters) as [string, string | undefined][]) if (v) params.set(k, v);
    if (key && key in channelLabels) params.set('channel', key);
    if (key && key in purposeLabels) params.set('purpose', key);
    if (key && key in reasonColors) params.set('reason', key);
    router.push(`/analytics/events?${params.toString()}`);
  };

  const drillLogins = (start: string, key?: string) => {
    const unit = range.granularity === 'hour' ? 3_600_000 : 86_400_000;
    const params = new URLSearchParams({ from: start, to: new Date(Date.parse(start) + unit).toISOString() });
    if (filters.country) params.set('country', filters.country);
    if (key === 'succeeded' || key === 'failed') params.set('outcome', key);
    else if (key) {
      params.set('outcome', 'failed');
      params.set('reason', key);
    }
    router.push(`/analytics/logins?${params.toString()}`);
  };

  const channels = (byChannel.data?.series ?? []).filter((s) => !filters.channel || s.key === filters.channel);
  const purposes = (byPurpose.data?.series ?? []).filter((s) => !filters.purpose || s.key === filters.purpose);
  const chan = channels.map((s) => ({
    key: s.key,
    name: channelLabels[s.key] ?? s.key,
    color: channelColors[s.key] ?? '#64748b',
  }));
  const purp = purposes.map((s) => ({
    key: s.key,
    name: purposeLabels[s.key] ?? s.key,
    color: purposeColors[s.key] ?? '#64748b',
  }));
  const totals = byChannel.data?.totals;
  const otpEmpty = !totals || totals.issued + totals.verified + totals.failed + totals.deliveryFailed === 0;
  const loginTotals = logins.data?.totals;
  const loginEmpty = !loginTotals || loginTotals.succeeded + loginTotals.failed === 0;
  const allLoginBuckets = logins.data ? pivot(logins.data.series, () => 0) : [];
  logins.data?.series.forEach((s) =>
    s.buckets.forEach((b, i) => {
      const row = allLoginBuckets[i]!;
      row.succeeded = ((row.succeeded as number) || 0) + b.succeeded;
      row.failed = ((row.failed as number) || 0) + b.failed;
      if (s.key !== 'none') row[s.key] = b.failed;
    }),
  );
  const failureReasons = pivot(channels, () => 0);
  channels.forEach((s) =>
    s.buckets.forEach((b, i) => {
      for (const r of ['incorrect', 'expired', 'max_attempts'] as const)
        failureReasons[i]![r] = ((failureReasons[i]![r] as number) || 0) + b.failedByReason[r];
    }),
  );
  const topCountries = (byCountry.data?.series ?? [])
    .map((s) => {
      const t = s.buckets.reduce(
        (a, b) => ({
          failed: a.failed + b.failed,
          verified: a.verified + b.verified,
          events: a.events + b.issued + b.verified + b.failed + b.deliveryFailed,
        }),
        { failed: 0, verified: 0, events: 0 },
      );
      return {
        key: s.key,
        events: t.events,
        failureRate: t.failed + t.verified === 0 ? null : t.failed / (t.failed + t.verified),
      };
    })
    .filter((c) => c.events >= 50 && c.failureRate !== null)
    .sort((a, b) => (b.failureRate ?? 0) - (a.failureRate ?? 0))
    .slice(0, 10);
  const csvRows = (rows: ChartRow[]) => rows.map((r) => ({ ...r }));
  // Each chart's headline against the previous period of the same length (filters applied to both).
  const prev = prevOtp.data?.totals;
  const prevL = prevLogins.data?.totals;
  const vs = (
    label: string,
    current: number | null | undefined,
    previous: number | null | undefined,
    kind: 'count' | 'rate',
  ) =>
    current === undefined || previous === undefined
      ? undefined
      : `${label}: ${kind === 'rate' ? pct(current) : (current ?? 0).toLocaleString('en-US')} (${delta(current, previous, kind)})`;

  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Stat
          label="OTPs issued"
          value={totals ? totals.issued.toLocaleString('en-US') : '…'}
          detail={totals && prevOtp.data ? delta(totals.issued, prevOtp.data.totals.issued, 'count') : ' '}
        />
        <Stat
          label="Conversion rate"
          value={totals ? pct(totals.conversionRate) : '…'}
          detail={
            totals && prevOtp.data ? delta(totals.conversionRate, prevOtp.data.totals.conversionRate, 'rate') : ' '
          }
        />
        <Stat
          label="Code failure rate"
          value={totals ? pct(totals.failureRate) : '…'}
          detail={totals && prevOtp.data ? delta(totals.failureRate, prevOtp.data.totals.failureRate, 'rate') : ' '}
        />
        <Stat
          label="Login failure rate"
          value={loginTotals ? pct(loginTotals.failureRate) : '…'}
          detail={
            loginTotals && prevLogins.data
              ? delta(loginTotals.failureRate, prevLogins.data.totals.failureRate, 'rate')
              : ' '
          }
        />
      </div>
      <div className="grid gap-4 xl:grid-cols-2">
        <ChartCard
          title="OTPs issued, by channel"
          delta={vs('In range', totals?.issued, prev?.issued, 'count')}
          definition="otp.issued events per bucket (UTC). Click a bar for the events behind it."
          csvName="otp-issued-by-channel.csv"
          rows={csvRows(pivot(channels, (b) => b.issued))}
          state={state(byChannel)}
          empty={otpEmpty}
        >
          <StackedCounts
            rows={pivot(channels, (b) => b.issued)}
            series={chan}
            granularity={range.granularity}
            unit="codes"
            onSelect={drill('issued')}
          />
        </ChartCard>
        <ChartCard
          title="Conversion rate, by channel"
          delta={vs('Over the range', totals?.conversionRate, prev?.conversionRate, 'rate')}
          definition="verified ÷ issued per bucket; a code verified after the bucket turns counts in the next one, so a bucket can exceed 100 %."
          csvName="otp-conversion-by-channel.csv"
          rows={csvRows(pivot(channels, (b) => b.conversionRate))}
          state={state(byChannel)}
          empty={otpEmpty}
        >
          <RateLines rows={pivot(channels, (b) => b.conversionRate)} series={chan} granularity={range.granularity} />
        </ChartCard>
        <ChartCard
          title="Code failure rate, by channel"
          delta={vs('Over the range', totals?.failureRate, prev?.failureRate, 'rate')}
          definition="failed ÷ (failed + verified): the share of code entries that were wrong, expired or over the limit."
          csvName="otp-failure-rate-by-channel.csv"
          rows={csvRows(pivot(channels, (b) => b.failureRate))}
          state={state(byChannel)}
          empty={otpEmpty}
        >
          <RateLines rows={pivot(channels, (b) => b.failureRate)} series={chan} granularity={range.granularity} />
        </ChartCard>
        <ChartCard
          title="Why codes failed"
          delta={vs('Failed entries', totals?.failed, prev?.failed, 'count')}
          definition="otp.failed events by reason. Click a bar for the events behind it."
          csvName="otp-failure-reasons.csv"
          rows={csvRows(failureReasons)}
          state={state(byChannel)}
          empty={otpEmpty}
        >
          <StackedCounts
            rows={failureReasons}
            series={(['incorrect', 'expired', 'max_attempts'] as const).map((r) => ({
              key: r,
              name: reasonLabels[r]!,
              color: reasonColors[r]!,
            }))}
            granularity={range.granularity}
            unit="entries"
            onSelect={drill('failed')}
          />
        </ChartCard>
        <ChartCard
          title="Undelivered codes, by channel"
          delta={vs('Delivery failure rate', totals?.deliveryFailureRate, prev?.deliveryFailureRate, 'rate')}
          definition="otp.delivery_failed events: the message never arrived (carrier, wrong number or address)."
          csvName="otp-delivery-failed.csv"
          rows={csvRows(pivot(channels, (b) => b.deliveryFailed))}
          state={state(byChannel)}
          empty={otpEmpty}
        >
          <StackedCounts
            rows={pivot(channels, (b) => b.deliveryFailed)}
            series={chan}
            granularity={range.granularity}
            unit="codes"
            onSelect={drill('delivery_failed')}
          />
        </ChartCard>
        <ChartCard
          title="OTPs issued, by purpose"
          delta={vs('In range', byPurpose.data?.totals.issued, prev?.issued, 'count')}
          definition="Login, payment and delivery hand-over codes kept apart."
          csvName="otp-issued-by-purpose.csv"
          rows={csvRows(pivot(purposes, (b) => b.issued))}
          state={state(byPurpose)}
          empty={otpEmpty}
        >
          <StackedCounts
            rows={pivot(purposes, (b) => b.issued)}
            series={purp}
            granularity={range.granularity}
            unit="codes"
            onSelect={drill('issued')}
          />
        </ChartCard>
        <ChartCard
          title="Conversion rate, by purpose"
          delta={vs('Over the range', byPurpose.data?.totals.conversionRate, prev?.conversionRate, 'rate')}
          definition="verified ÷ issued per purpose."
          csvName="otp-conversion-by-purpose.csv"
          rows={csvRows(pivot(purposes, (b) => b.conversionRate))}
          state={state(byPurpose)}
          empty={otpEmpty}
        >
          <RateLines rows={pivot(purposes, (b) => b.conversionRate)} series={purp} granularity={range.granularity} />
        </ChartCard>
        <ChartCard
          title="Logins"
          delta={vs(
            'Logins',
            loginTotals ? loginTotals.succeeded + loginTotals.failed : undefined,
            prevL ? prevL.succeeded + prevL.failed : undefined,
            'count',
          )}
          definition="login.succeeded and login.failed events per bucket. Click a bar for the logins behind it."
          csvName="logins.csv"
          rows={csvRows(allLoginBuckets)}
          state={state(logins)}
          empty={loginEmpty}
        >
          <StackedCounts
            rows={allLoginBuckets}
            series={[
              { key: 'succeeded', name: 'Succeeded', color: outcomeColors.succeeded },
              { key: 'failed', name: 'Failed', color: outcomeColors.failed },
            ]}
            granularity={range.granularity}
            unit="logins"
            onSelect={drillLogins}
          />
        </ChartCard>
        <ChartCard
          title="Why logins failed"
          delta={vs('Login failure rate', loginTotals?.failureRate, prevL?.failureRate, 'rate')}
          definition="login.failed events by reason. Click a bar for the logins behind it."
          csvName="login-failure-reasons.csv"
          rows={csvRows(allLoginBuckets)}
          state={state(logins)}
          empty={loginEmpty}
        >
          <StackedCounts
            rows={allLoginBuckets}
            series={Object.keys(loginReasonColors).map((r) => ({
              key: r,
              name: reasonLabels[r] ?? r,
              color: loginReasonColors[r]!,
            }))}
            granularity={range.granularity}
            unit="logins"
            onSelect={drillLogins}
          />
        </ChartCard>
        <ChartCard
          title="Countries by code failure rate"
          definition="Countries with at least 50 OTP events in the range; failed ÷ (failed + verified)."
          csvName="countries-by-failure-rate.csv"
          rows={topCountries}
          state={state(byCountry)}
          empty={topCountries.length === 0}
        >
          <RankedBars
            rows={topCountries}
            dataKey="failureRate"
            name="Failure rate"
            color={outcomeColors.failed}
            format={(v) => (typeof v === 'number' ? `${(v * 100).toFixed(1)} %` : '—')}
          />
        </ChartCard>
      </div>
    </div>
  );
}

export function AnalyticsDashboard(props: { range: ResolvedRange; filters: DashboardFilters }) {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { staleTime: 30_000, retry: 1 } } }));
  return (
    <QueryClientProvider client={client}>
      <Dashboard {...props} />
    </QueryClientProvider>
  );
}
