import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { systemActor } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { serviceContext } from '@/lib/context';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { loginMetrics } from './login-metrics';
import { LoginMetricsQuery, OtpMetricsQuery, parseMetricsQuery } from './metrics-query';
import { otpMetrics } from './otp-metrics';

const { db } = setupTestDatabase();
let run = 0;

const draft = fc.record({
  n: fc.integer({ min: 0, max: 50 }),
  minute: fc.integer({ min: 0, max: 6 * 60 - 1 }),
  kind: fc.constantFrom(
    'login.succeeded',
    'login.failed',
    'otp.issued',
    'otp.verified',
    'otp.failed',
    'otp.delivery_failed',
  ),
  channel: fc.constantFrom('sms', 'email', 'totp'),
  country: fc.option(fc.constantFrom('GB', 'US'), { nil: undefined }),
  reason: fc.constantFrom('incorrect', 'expired', 'max_attempts'),
});

describe('metrics equal a recount of the events', () => {
  test.prop([fc.array(draft, { minLength: 1, maxLength: 60 })], { numRuns: 12 })(
    'for any event set, with duplicates',
    async (drafts) => {
      run += 1;
      const day = Date.UTC(2025, 0, 1) + run * 86_400_000; // a day of its own per run
      const events = drafts.map((d): IngestEvent => {
        const base = {
          id: `pm_${run}_${d.n}`,
          occurredAt: new Date(day + d.minute * 60_000).toISOString(),
          account: { id: `cus_pm_${d.n % 4}` },
          context: d.country ? { country: d.country } : {},
        };
        if (d.kind === 'login.succeeded') return { ...base, type: d.kind };
        if (d.kind === 'login.failed') return { ...base, type: d.kind, reason: 'bad_password' };
        const otp = { otpId: `o${d.n}`, channel: d.channel, purpose: 'login' } as const;
        return d.kind === 'otp.failed'
          ? { ...base, type: d.kind, ...otp, reason: d.reason }
          : { ...base, type: d.kind, ...otp };
      });
      await ingestBatch(db(), events);
      await ingestBatch(db(), events.slice(0, 5)); // replayed ids change nothing
      const firstById = new Map<string, IngestEvent>();
      for (const e of events) if (!firstById.has(e.id)) firstById.set(e.id, e); // the first of each id wins
      const stored = [...firstById.values()];
      const params = new URLSearchParams({
        from: new Date(day).toISOString(),
        to: new Date(day + 6 * 3_600_000).toISOString(),
        granularity: 'hour',
        groupBy: 'channel',
      });
      const m = await otpMetrics(serviceContext(db(), systemActor), parseMetricsQuery(OtpMetricsQuery, params));
      for (const series of m.series) {
        series.buckets.forEach((b, hour) => {
          const here = stored.filter(
            (e) =>
              e.type.startsWith('otp.') &&
              (e as { channel: string }).channel === series.key &&
              Math.floor((Date.parse(e.occurredAt) - day) / 3_600_000) === hour,
          );
          expect(b.issued).toBe(here.filter((e) => e.type === 'otp.issued').length);
          expect(b.verified).toBe(here.filter((e) => e.type === 'otp.verified').length);
          expect(b.failed).toBe(here.filter((e) => e.type === 'otp.failed').length);
          expect(b.failedByReason.expired).toBe(
            here.filter((e) => e.type === 'otp.failed' && e.reason === 'expired').length,
          );
          expect(b.deliveryFailed).toBe(here.filter((e) => e.type === 'otp.delivery_failed').length);
        });
      }
      params.set('groupBy', 'country');
      const logins = await loginMetrics(
        serviceContext(db(), systemActor),
        parseMetricsQuery(LoginMetricsQuery, params),
      );
      for (const series of logins.series) {
        const mine = stored.filter(
          (e) => e.type.startsWith('login.') && (e.context?.country ?? 'unknown') === series.key,
        );
        expect(series.buckets.reduce((a, b) => a + b.succeeded, 0)).toBe(
          mine.filter((e) => e.type === 'login.succeeded').length,
        );
        expect(series.buckets.reduce((a, b) => a + b.failed, 0)).toBe(
          mine.filter((e) => e.type === 'login.failed').length,
        );
      }
      expect(logins.totals.succeeded + logins.totals.failed).toBe(
        stored.filter((e) => e.type.startsWith('login.')).length,
      );

      // Day charts: without a country they read the all-countries daily rollup, by or for a country the
      // per-country one. Both agree with the recount, and with each other.
      const otps = stored.filter((e): e is Extract<IngestEvent, { channel: string }> => e.type.startsWith('otp.'));
      const count = (list: IngestEvent[], type: string) => list.filter((e) => e.type === type).length;
      const recounted = (list: IngestEvent[]) =>
        ['otp.issued', 'otp.verified', 'otp.failed', 'otp.delivery_failed'].map((type) => count(list, type));
      const figures = (c: { issued: number; verified: number; failed: number; deliveryFailed: number }) => [
        c.issued,
        c.verified,
        c.failed,
        c.deliveryFailed,
      ];
      const dayParams = new URLSearchParams({
        from: new Date(day).toISOString(),
        to: new Date(day + 86_400_000).toISOString(),
        granularity: 'day',
        groupBy: 'channel',
      });
      const daily = await otpMetrics(serviceContext(db(), systemActor), parseMetricsQuery(OtpMetricsQuery, dayParams));
      for (const series of daily.series) {
        const mine = otps.filter((e) => e.channel === series.key);
        expect(series.buckets.map(figures)).toEqual([recounted(mine)]);
      }
      expect(figures(daily.totals)).toEqual(recounted(otps));
      // Split by country, a day chart keeps its totals; for one country, it counts that country's events only.
      const countryViews = async <T extends { totals: object }>(
        load: (p: URLSearchParams) => Promise<T>,
        totals: T['totals'],
        country: string,
        figure: (t: T['totals']) => number,
        expected: number,
      ) => {
        const params = new URLSearchParams(dayParams);
        params.set('groupBy', 'country');
        expect((await load(params)).totals).toEqual(totals);
        params.set('groupBy', 'none');
        params.set('country', country);
        expect(figure((await load(params)).totals)).toBe(expected);
      };
      const otpDayChart = (params: URLSearchParams) =>
        otpMetrics(serviceContext(db(), systemActor), parseMetricsQuery(OtpMetricsQuery, params));
      const loginDayChart = (params: URLSearchParams) =>
        loginMetrics(serviceContext(db(), systemActor), parseMetricsQuery(LoginMetricsQuery, params));
      await countryViews(
        otpDayChart,
        daily.totals,
        'GB',
        (t) => t.issued,
        count(
          otps.filter((e) => e.context?.country === 'GB'),
          'otp.issued',
        ),
      );
      dayParams.set('groupBy', 'reason');
      const loginDays = await loginDayChart(dayParams);
      expect([loginDays.totals.succeeded, loginDays.totals.failed]).toEqual([
        count(stored, 'login.succeeded'),
        count(stored, 'login.failed'),
      ]);
      await countryViews(
        loginDayChart,
        loginDays.totals,
        'US',
        (t) => t.succeeded,
        count(
          stored.filter((e) => e.context?.country === 'US'),
          'login.succeeded',
        ),
      );
    },
  );
});
