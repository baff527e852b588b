import type { LoginMetrics } from '@/lib/metrics/login-metrics';
import type { OtpSeries } from '@/lib/metrics/otp-metrics';
import type { ChartRow } from './metric-charts';
import { channelLabels, purposeLabels, reasonColors } from './palette';

/** Buckets of each series, pivoted into one row per bucket for recharts. */
export function pivot<B extends { start: string }>(
  series: { key: string; buckets: B[] }[],
  pick: (b: B) => number | null,
): ChartRow[] {
  const rows: ChartRow[] = (series[0]?.buckets ?? []).map((b) => ({ start: b.start }));
  for (const s of series) s.buckets.forEach((b, i) => void (rows[i]![s.key] = pick(b)));
  return rows;
}

/** One row per bucket: all logins by outcome, and the failed ones by reason (series "none" are successes). */
export function loginRows(logins: LoginMetrics | undefined): ChartRow[] {
  if (!logins) return [];
  const rows = pivot(logins.series, () => 0);
  logins.series.forEach((s) =>
    s.buckets.forEach((b, i) => {
      const row = rows[i]!;
      row.succeeded = ((row.succeeded as number) || 0) + b.succeeded;
      row.failed = ((row.failed as number) || 0) + b.failed;
      if (s.key !== 'none') row[s.key] = b.failed;
    }),
  );
  return rows;
}

export const otpFailureReasons = ['incorrect', 'expired', 'max_attempts'] as const;

/** One row per bucket: failed code entries by reason, summed over the channels shown. */
export function otpFailureRows(channels: OtpSeries[]): ChartRow[] {
  const rows = pivot(channels, () => 0);
  channels.forEach((s) =>
    s.buckets.forEach((b, i) => {
      for (const r of otpFailureReasons) rows[i]![r] = ((rows[i]![r] as number) || 0) + b.failedByReason[r];
    }),
  );
  return rows;
}

/** The ten countries with at least 50 OTP events, by code failure rate (failed ÷ (failed + verified)). */
export function topCountriesByFailureRate(byCountry: OtpSeries[]) {
  return byCountry
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
}

/** The drill-down link's window: the bucket that starts at `start`. */
function bucketWindow(start: string, granularity: 'hour' | 'day') {
  const unit = granularity === 'hour' ? 3_600_000 : 86_400_000;
  return { from: start, to: new Date(Date.parse(start) + unit).toISOString() };
}

/** The OTP events behind a bar: its bucket, the dashboard's filters, and the bar's series as a filter. */
export function otpEventsHref(
  kind: string,
  start: string,
  granularity: 'hour' | 'day',
  filters: Record<string, string | undefined>,
  seriesKey?: string,
): string {
  const params = new URLSearchParams({ ...bucketWindow(start, granularity), kind });
  for (const [k, v] of Object.entries(filters)) if (v) params.set(k, v);
  if (seriesKey && seriesKey in channelLabels) params.set('channel', seriesKey);
  if (seriesKey && seriesKey in purposeLabels) params.set('purpose', seriesKey);
  if (seriesKey && seriesKey in reasonColors) params.set('reason', seriesKey);
  return `/analytics/events?${params.toString()}`;
}

/** The logins behind a bar: an outcome bar, or a failure reason (the logins that failed for it). */
export function loginsHref(start: string, granularity: 'hour' | 'day', country?: string, seriesKey?: string): string {
  const params = new URLSearchParams(bucketWindow(start, granularity));
  if (country) params.set('country', country);
  if (seriesKey === 'succeeded' || seriesKey === 'failed') params.set('outcome', seriesKey);
  else if (seriesKey) {
    params.set('outcome', 'failed');
    params.set('reason', seriesKey);
  }
  return `/analytics/logins?${params.toString()}`;
}
