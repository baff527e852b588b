import { resetEnvForTests } from '@/lib/env';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeStaff, systemActor, uniqueSuffix } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { serviceContext } from '@/lib/context';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { loginMetrics } from './login-metrics';
import { LoginMetricsQuery, OtpMetricsQuery, parseMetricsQuery } from './metrics-query';
import { otpMetrics } from './otp-metrics';

const { db } = setupTestDatabase();
// A day of its own, far from other tests' data: 2026-02-03.
const h = (hour: number, minute = 0, ms = 0) => new Date(Date.UTC(2026, 1, 3, hour, minute, 0, ms)).toISOString();
let n = 0;
const otp = (
  type: 'otp.issued' | 'otp.verified' | 'otp.failed' | 'otp.delivery_failed',
  at: string,
  extra: Record<string, unknown> = {},
): IngestEvent =>
  ({
    id: `m_${uniqueSuffix()}_${++n}`,
    type,
    occurredAt: at,
    account: { id: 'cus_metrics' },
    otpId: `o${n}`,
    channel: 'sms',
    purpose: 'login',
    context: { country: 'GB' },
    ...extra,
  }) as IngestEvent;
const login = (at: string, reason?: string, country?: string): IngestEvent =>
  ({
    id: `l_${uniqueSuffix()}_${++n}`,
    type: reason ? 'login.failed' : 'login.succeeded',
    ...(reason ? { reason } : {}),
    occurredAt: at,
    account: { id: 'cus_metrics' },
    context: country ? { country } : {},
  }) as IngestEvent;

const q = (params: Record<string, string>) => parseMetricsQuery(OtpMetricsQuery, new URLSearchParams(params));
const range = { from: '2026-02-03T09:00:00Z', to: '2026-02-03T13:00:00Z', granularity: 'hour' };

beforeAll(async () => {
  const events = [
    // hour 09: nothing (an empty bucket must be zeros, not missing)
    // hour 10: 4 issued (one exactly on the boundary, one at the last millisecond), 1 verified, 2 failed, 1 undelivered
    otp('otp.issued', h(10)),
    otp('otp.issued', h(10, 20)),
    otp('otp.issued', h(10, 40), { channel: 'email', purpose: 'transaction' }),
    otp('otp.issued', h(10, 59, 59_999), { context: {} }),
    otp('otp.verified', h(10, 30)),
    otp('otp.failed', h(10, 31), { reason: 'incorrect' }),
    otp('otp.failed', h(10, 45), { reason: 'expired', channel: 'email', purpose: 'transaction' }),
    otp('otp.delivery_failed', h(10, 50), { reason: 'carrier said no' }),
    // hour 11: codes issued at 10:xx verified after the hour turned: 3 verified, 1 issued → conversion 3
    otp('otp.verified', h(11)),
    otp('otp.verified', h(11, 5)),
    otp('otp.verified', h(11, 10), { channel: 'email', purpose: 'transaction' }),
    otp('otp.issued', h(11, 15), { channel: 'totp', context: { country: 'DE' } }),
    otp('otp.failed', h(11, 16), { reason: 'max_attempts', channel: 'totp', context: { country: 'DE' } }),
    // hour 12: logins only
    login(h(12, 1)),
    login(h(12, 2), 'bad_password', 'GB'),
    login(h(12, 3), 'bad_password', 'GB'),
    login(h(12, 4), 'otp_failed'),
    // outside the range (13:00 is the exclusive end)
    otp('otp.issued', h(13)),
    login(h(13)),
  ];
  await ingestBatch(db(), events.slice(0, 10));
  await ingestBatch(db(), events.slice(10));
  await ingestBatch(db(), events.slice(5, 15)); // a replay changes nothing
  // A late event for hour 10 arrives last: it lands in its own hour.
  await ingestBatch(db(), [otp('otp.issued', h(10, 5), { channel: 'voice' })]);
});

describe('OTP metrics, hand-computed', () => {
  it('counts per hour with zero buckets, boundaries, late events and replays', async () => {
    const m = await otpMetrics(serviceContext(db(), systemActor), q(range));
    expect(m.series.map((s) => s.key)).toEqual(['all']);
    const [b9, b10, b11, b12] = m.series[0]!.buckets;
    expect(b9).toMatchObject({
      start: '2026-02-03T09:00:00.000Z',
      issued: 0,
      verified: 0,
      failed: 0,
      conversionRate: null,
      failureRate: null,
      deliveryFailureRate: null,
    });
    expect(b10).toMatchObject({
      issued: 5,
      verified: 1,
      failed: 2,
      deliveryFailed: 1,
      failedByReason: { incorrect: 1, expired: 1, max_attempts: 0 },
    });
    expect(b10!.conversionRate).toBe(1 / 5);
    expect(b10!.failureRate).toBe(2 / 3);
    expect(b10!.deliveryFailureRate).toBe(1 / 5);
    expect(b11).toMatchObject({ issued: 1, verified: 3, failed: 1, conversionRate: 3, failureRate: 1 / 4 });
    expect(b12).toMatchObject({ issued: 0, conversionRate: null });
    expect(m.totals).toMatchObject({
      issued: 6,
      verified: 4,
      failed: 3,
      deliveryFailed: 1,
      conversionRate: 4 / 6,
      failureRate: 3 / 7,
      deliveryFailureRate: 1 / 6,
    });
  });

  it('groups by channel, purpose and country (events without a country are "unknown")', async () => {
    const byChannel = await otpMetrics(serviceContext(db(), systemActor), q({ ...range, groupBy: 'channel' }));
    const issued = (key: string, m = byChannel) =>
      m.series.find((s) => s.key === key)!.buckets.reduce((a, b) => a + b.issued, 0);
    expect(byChannel.series.map((s) => s.key)).toEqual(['sms', 'email', 'voice', 'totp']);
    expect([issued('sms'), issued('email'), issued('voice'), issued('totp')]).toEqual([3, 1, 1, 1]);
    const byPurpose = await otpMetrics(serviceContext(db(), systemActor), q({ ...range, groupBy: 'purpose' }));
    expect(issued('transaction', byPurpose)).toBe(1);
    expect(issued('delivery', byPurpose)).toBe(0);
    const byCountry = await otpMetrics(serviceContext(db(), systemActor), q({ ...range, groupBy: 'country' }));
    expect(byCountry.series.map((s) => s.key)).toEqual(['DE', 'GB', 'unknown']);
    expect([issued('DE', byCountry), issued('GB', byCountry), issued('unknown', byCountry)]).toEqual([1, 4, 1]);
  });

  it('filters by channel, purpose and country, and sums days in UTC', async () => {
    const sms = await otpMetrics(serviceContext(db(), systemActor), q({ ...range, channel: 'sms' }));
    expect(sms.totals).toMatchObject({ issued: 3, verified: 3, failed: 1 });
    const unknown = await otpMetrics(serviceContext(db(), systemActor), q({ ...range, country: 'unknown' }));
    expect(unknown.totals.issued).toBe(1);
    const day = await otpMetrics(
      serviceContext(db(), systemActor),
      q({ from: '2026-02-03T00:00:00Z', to: '2026-02-05T00:00:00Z', granularity: 'day' }),
    );
    expect(day.series[0]!.buckets.map((b) => b.issued)).toEqual([7, 0]); // 13:00 is inside the day
  });
});

describe('login metrics, hand-computed', () => {
  it('counts outcomes and reasons, with the failure rate over all logins', async () => {
    const m = await loginMetrics(
      serviceContext(db(), systemActor),
      parseMetricsQuery(LoginMetricsQuery, new URLSearchParams(range)),
    );
    expect(m.totals).toMatchObject({
      succeeded: 1,
      failed: 3,
      failedByReason: { bad_password: 2, otp_failed: 1, unknown_account: 0 },
      failureRate: 3 / 4,
    });
    const byReason = await loginMetrics(
      serviceContext(db(), systemActor),
      parseMetricsQuery(LoginMetricsQuery, new URLSearchParams({ ...range, groupBy: 'reason' })),
    );
    const total = (key: string) =>
      byReason.series.find((s) => s.key === key)!.buckets.reduce((a, b) => a + b.succeeded + b.failed, 0);
    expect([total('none'), total('bad_password'), total('otp_failed'), total('other')]).toEqual([1, 2, 1, 0]);
  });
});

describe('metrics parameters', () => {
  const bad = (params: Record<string, string>, parameter: string) => {
    expect(() => q(params)).toThrow(
      expect.objectContaining({ code: 'invalid', reason: 'invalid_parameter', extra: { parameter } }),
    );
  };
  it('names the parameter that is wrong', () => {
    bad({ ...range, from: '2026-02-03T09:30:00Z' }, 'from');
    bad({ ...range, granularity: 'day' }, 'from');
    bad({ ...range, to: range.from }, 'to');
    bad({ ...range, granularity: 'minute' }, 'granularity');
    bad({ ...range, groupBy: 'device' }, 'groupBy');
    bad({ ...range, country: 'gb' }, 'country');
    bad({ ...range, from: 'yesterday' }, 'from');
    bad({ from: '2025-01-01T00:00:00Z', to: '2026-02-06T00:00:00Z', granularity: 'day' }, 'to');
    const { to: _to, ...noTo } = range;
    bad(noTo, 'to');
  });
});

describe('metrics ranges and retention', () => {
  afterEach(() => {
    Object.assign(process.env, { VIGIL_RETENTION_HOURLY_DAYS: '36500', VIGIL_RETENTION_DAILY_DAYS: '36500' });
    resetEnvForTests();
  });
  it('a range starting before the kept rollups is a 400 naming from, never zeros that look like no traffic', () => {
    Object.assign(process.env, { VIGIL_RETENTION_HOURLY_DAYS: '90', VIGIL_RETENTION_DAILY_DAYS: '730' });
    resetEnvForTests();
    const now = new Date('2026-12-05T10:20:00Z');
    const at = (iso: string, granularity: string) => () =>
      parseMetricsQuery(
        OtpMetricsQuery,
        new URLSearchParams({ from: iso, to: '2026-12-05T00:00:00Z', granularity }),
        now,
      );
    // 90 days of hourly counts: the oldest whole hour kept is 2026-09-06T11:00Z.
    expect(at('2026-09-06T10:00:00Z', 'hour')).toThrow(
      expect.objectContaining({ code: 'invalid', extra: { parameter: 'from' } }),
    );
    expect(at('2026-09-06T10:00:00Z', 'hour')).toThrow(
      /from: hourly counts are kept for 90 days \(VIGIL_RETENTION_HOURLY_DAYS\); the oldest hour kept starts at 2026-09-06T11:00:00.000Z/,
    );
    expect(at('2026-09-06T11:00:00Z', 'hour')().from.toISOString()).toBe('2026-09-06T11:00:00.000Z');
    // The same start by day is fine (730 days kept); a day range past that is refused.
    expect(at('2026-09-06T00:00:00Z', 'day')().granularity).toBe('day');
    expect(() =>
      parseMetricsQuery(
        OtpMetricsQuery,
        new URLSearchParams({ from: '2024-12-01T00:00:00Z', to: '2025-01-01T00:00:00Z', granularity: 'day' }),
        now,
      ),
    ).toThrow(/from: daily counts are kept for 730 days \(VIGIL_RETENTION_DAILY_DAYS\)/);
  });
});

describe('who may read metrics', () => {
  it('every staff role (API keys: app/api/v1/metrics/otp/route.test.ts)', async () => {
    for (const role of ['agent', 'analyst', 'admin'] as const) {
      const { actor } = await makeStaff(db(), role);
      expect((await otpMetrics(serviceContext(db(), actor), q(range))).totals.issued).toBe(6);
    }
  });
});
