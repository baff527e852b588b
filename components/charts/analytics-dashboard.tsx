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
import {
  loginRows,
  loginsHref,
  otpEventsHref,
  otpFailureReasons,
  otpFailureRows,
  pivot,
  topCountriesByFailureRate,
} from './dashboard-series';
import { RankedBars } from './lazy-charts';
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
import { SeriesChartCard, type SeriesChart } from './series-chart-card';

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

const pct = formatRate;
const delta = (current: number | null, previous: number | null, kind: 'count' | 'rate') =>
  formatChange(current, previous, kind, 'previous period');
const shown = (value: number | null, kind: 'count' | 'rate') =>
  kind === 'rate' ? pct(value) : (value ?? 0).toLocaleString('en-US');

/** One metrics request, refreshed every minute. */
function useMetrics<T>(key: string, path: string, params: Record<string, string | undefined>) {
  return useQuery({ queryKey: [key, params], queryFn: () => fetchJson<T>(path, params), refetchInterval: 60_000 });
}

const state = (r: { isPending: boolean; isError: boolean }): SeriesChart['state'] =>
  r.isPending ? 'loading' : r.isError ? 'error' : 'ready';

/** Colours and names of a series set, in the fixed palette (slate for a key it does not know). */
const seriesOf = (keys: string[], labels: Record<string, string>, colors: Record<string, string>) =>
  keys.map((key) => ({ key, name: labels[key] ?? key, color: colors[key] ?? '#64748b' }));

function Dashboard({ range, filters }: { range: ResolvedRange; filters: DashboardFilters }) {
  const router = useRouter();
  const { granularity } = range;
  const base = { from: range.from, to: range.to, granularity, ...filters };
  const previous = { from: range.previousFrom, to: range.from, granularity, ...filters };
  const byChannel = useMetrics<OtpMetrics>('otp', '/api/v1/metrics/otp', { ...base, groupBy: 'channel' });
  const byPurpose = useMetrics<OtpMetrics>('otp', '/api/v1/metrics/otp', { ...base, groupBy: 'purpose' });
  const byCountry = useMetrics<OtpMetrics>('otp', '/api/v1/metrics/otp', { ...base, groupBy: 'country' });
  const prevOtp = useMetrics<OtpMetrics>('otp', '/api/v1/metrics/otp', { ...previous, groupBy: 'none' });
  const loginParams = { granularity, country: filters.country };
  const logins = useMetrics<LoginMetrics>('logins', '/api/v1/metrics/logins', {
    from: range.from,
    to: range.to,
    ...loginParams,
    groupBy: 'reason',
  });
  const prevLogins = useMetrics<LoginMetrics>('logins', '/api/v1/metrics/logins', {
    from: range.previousFrom,
    to: range.from,
    ...loginParams,
    groupBy: 'none',
  });

  const drill = (kind: string) => (start: string, key?: string) =>
    router.push(otpEventsHref(kind, start, granularity, { ...filters }, key));
  const drillLogins = (start: string, key?: string) =>
    router.push(loginsHref(start, granularity, filters.country, key));

  const channels = (byChannel.data?.series ?? []).filter((s) => !filters.channel || s.key === filters.channel);
  const purposes = (byPurpose.data?.series ?? []).filter((s) => !filters.purpose || s.key === filters.purpose);
  const chan = seriesOf(
    channels.map((s) => s.key),
    channelLabels,
    channelColors,
  );
  const purp = seriesOf(
    purposes.map((s) => s.key),
    purposeLabels,
    purposeColors,
  );
  const totals = byChannel.data?.totals;
  const otpEmpty = !totals || totals.issued + totals.verified + totals.failed + totals.deliveryFailed === 0;
  const loginTotals = logins.data?.totals;
  const loginEmpty = !loginTotals || loginTotals.succeeded + loginTotals.failed === 0;
  const allLoginBuckets = loginRows(logins.data);
  const topCountries = topCountriesByFailureRate(byCountry.data?.series ?? []);
  // Each chart's headline against the previous period of the same length (filters applied to both).
  const prev = prevOtp.data?.totals;
  const prevL = prevLogins.data?.totals;
  const vs = (
    label: string,
    current: number | null | undefined,
    before: number | null | undefined,
    kind: 'count' | 'rate',
  ) =>
    current === undefined || before === undefined
      ? undefined
      : `${label}: ${shown(current, kind)} (${delta(current, before, kind)})`;

  const stats: { label: string; current?: number | null; before?: number | null; kind: 'count' | 'rate' }[] = [
    { label: 'OTPs issued', current: totals?.issued, before: prev?.issued, kind: 'count' },
    { label: 'Conversion rate', current: totals?.conversionRate, before: prev?.conversionRate, kind: 'rate' },
    { label: 'Code failure rate', current: totals?.failureRate, before: prev?.failureRate, kind: 'rate' },
    { label: 'Login failure rate', current: loginTotals?.failureRate, before: prevL?.failureRate, kind: 'rate' },
  ];
  const otp = { state: state(byChannel), empty: otpEmpty };
  const byPurposeState = { state: state(byPurpose), empty: otpEmpty };
  const login = { state: state(logins), empty: loginEmpty };
  const charts: SeriesChart[] = [
    {
      title: 'OTPs issued, by channel',
      delta: vs('In range', totals?.issued, prev?.issued, 'count'),
      definition: 'otp.issued events per bucket (UTC). Click a bar for the events behind it.',
      csvName: 'otp-issued-by-channel.csv',
      rows: pivot(channels, (b) => b.issued),
      ...otp,
      series: chan,
      counts: { unit: 'codes', onSelect: drill('issued') },
    },
    {
      title: 'Conversion rate, by channel',
      delta: vs('Over the range', totals?.conversionRate, prev?.conversionRate, 'rate'),
      definition:
        'verified ÷ issued per bucket; a code verified after the bucket turns counts in the next one, so a bucket can exceed 100 %.',
      csvName: 'otp-conversion-by-channel.csv',
      rows: pivot(channels, (b) => b.conversionRate),
      ...otp,
      series: chan,
    },
    {
      title: 'Code failure rate, by channel',
      delta: vs('Over the range', totals?.failureRate, prev?.failureRate, 'rate'),
      definition: 'failed ÷ (failed + verified): the share of code entries that were wrong, expired or over the limit.',
      csvName: 'otp-failure-rate-by-channel.csv',
      rows: pivot(channels, (b) => b.failureRate),
      ...otp,
      series: chan,
    },
    {
      title: 'Why codes failed',
      delta: vs('Failed entries', totals?.failed, prev?.failed, 'count'),
      definition: 'otp.failed events by reason. Click a bar for the events behind it.',
      csvName: 'otp-failure-reasons.csv',
      rows: otpFailureRows(channels),
      ...otp,
      series: seriesOf([...otpFailureReasons], reasonLabels, reasonColors),
      counts: { unit: 'entries', onSelect: drill('failed') },
    },
    {
      title: 'Undelivered codes, by channel',
      delta: vs('Delivery failure rate', totals?.deliveryFailureRate, prev?.deliveryFailureRate, 'rate'),
      definition: 'otp.delivery_failed events: the message never arrived (carrier, wrong number or address).',
      csvName: 'otp-delivery-failed.csv',
      rows: pivot(channels, (b) => b.deliveryFailed),
      ...otp,
      series: chan,
      counts: { unit: 'codes', onSelect: drill('delivery_failed') },
    },
    {
      title: 'OTPs issued, by purpose',
      delta: vs('In range', byPurpose.data?.totals.issued, prev?.issued, 'count'),
      definition: 'Login, payment and delivery hand-over codes kept apart.',
      csvName: 'otp-issued-by-purpose.csv',
      rows: pivot(purposes, (b) => b.issued),
      ...byPurposeState,
      series: purp,
      counts: { unit: 'codes', onSelect: drill('issued') },
    },
    {
      title: 'Conversion rate, by purpose',
      delta: vs('Over the range', byPurpose.data?.totals.conversionRate, prev?.conversionRate, 'rate'),
      definition: 'verified ÷ issued per purpose.',
      csvName: 'otp-conversion-by-purpose.csv',
      rows: pivot(purposes, (b) => b.conversionRate),
      ...byPurposeState,
      series: purp,
    },
    {
      title: 'Logins',
      delta: vs(
        'Logins',
        loginTotals ? loginTotals.succeeded + loginTotals.failed : undefined,
        prevL ? prevL.succeeded + prevL.failed : undefined,
        'count',
      ),
      definition: 'login.succeeded and login.failed events per bucket. Click a bar for the logins behind it.',
      csvName: 'logins.csv',
      rows: allLoginBuckets,
      ...login,
      series: [
        { key: 'succeeded', name: 'Succeeded', color: outcomeColors.succeeded },
        { key: 'failed', name: 'Failed', color: outcomeColors.failed },
      ],
      counts: { unit: 'logins', onSelect: drillLogins },
    },
    {
      title: 'Why logins failed',
      delta: vs('Login failure rate', loginTotals?.failureRate, prevL?.failureRate, 'rate'),
      definition: 'login.failed events by reason. Click a bar for the logins behind it.',
      csvName: 'login-failure-reasons.csv',
      rows: allLoginBuckets,
      ...login,
      series: seriesOf(Object.keys(loginReasonColors), reasonLabels, loginReasonColors),
      counts: { unit: 'logins', onSelect: drillLogins },
    },
  ];

  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        {stats.map((s) => (
          <Stat
            key={s.label}
            label={s.label}
            value={s.current === undefined ? '…' : shown(s.current, s.kind)}
            detail={s.current === undefined || s.before === undefined ? ' ' : delta(s.current, s.before, s.kind)}
          />
        ))}
      </div>
      <div className="grid gap-4 xl:grid-cols-2">
        {charts.map((chart) => (
          <SeriesChartCard key={chart.csvName} chart={chart} granularity={granularity} />
        ))}
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
