import { fc, test } from '@fast-check/vitest';
import { count, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, vi } from 'vitest';
import { queryRows } from '@/db/client';
import { seenEvents } from '@/db/schema';
import { makeApiKey } from '@/lib/testing/ingest-fixtures';
import { eventsRequest } from './events-request';
import { setupTestDatabase } from '@/db/testing/test-database';
import { setDatabaseForTests } from '@/lib/database';
import { resetEnvForTests } from '@/lib/env';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { POST } from './route';

const { db } = setupTestDatabase();
let key: string;
beforeAll(async () => {
  key = (await makeApiKey(db())).key;
  setDatabaseForTests(db());
  vi.stubEnv('VIGIL_INGEST_RATE_LIMIT', '1000000');
  resetEnvForTests();
});
const handleIngestRequest = (request: Request) => POST(request, { params: Promise.resolve({}) });

const hourStart = Date.parse('2026-10-01T00:00:00Z');
const channels = ['sms', 'email', 'voice', 'totp'] as const;
const purposes = ['login', 'transaction', 'delivery', 'password_reset', 'contact_change'] as const;

/** Valid events over a few accounts, hours and countries (some without), every OTP and login type. */
const validEvent = fc
  .record({
    n: fc.integer({ min: 0, max: 1_000_000_000 }),
    account: fc.constantFrom('cus_p1', 'cus_p2', 'cus_p3'),
    minute: fc.integer({ min: 0, max: 6 * 60 }),
    country: fc.option(fc.constantFrom('GB', 'US', 'DE'), { nil: undefined }),
    kind: fc.constantFrom(
      'login.succeeded',
      'login.failed',
      'otp.issued',
      'otp.verified',
      'otp.failed',
      'otp.delivery_failed',
    ),
    channel: fc.constantFrom(...channels),
    purpose: fc.constantFrom(...purposes),
    loginReason: fc.constantFrom('bad_password', 'unknown_account', 'account_locked', 'otp_failed', 'other'),
    otpReason: fc.constantFrom('incorrect', 'expired', 'max_attempts'),
  })
  .map((r): IngestEvent => {
    const base = {
      id: `prop_${r.n}`,
      occurredAt: new Date(hourStart + r.minute * 60_000).toISOString(),
      account: { id: r.account },
      context: r.country ? { country: r.country } : {},
    };
    const otp = { otpId: `o${r.n % 50}`, channel: r.channel, purpose: r.purpose };
    switch (r.kind) {
      case 'login.succeeded':
        return { ...base, type: r.kind };
      case 'login.failed':
        return { ...base, type: r.kind, reason: r.loginReason };
      case 'otp.failed':
        return { ...base, type: r.kind, ...otp, reason: r.otpReason };
      default:
        return { ...base, type: r.kind, ...otp };
    }
  });

interface RollupRow {
  k: string;
  n: number;
}

describe('ingest properties', () => {
  test.prop(
    [
      fc.array(fc.array(validEvent, { minLength: 1, maxLength: 40 }), { minLength: 1, maxLength: 6 }),
      fc.array(fc.nat(), { maxLength: 4 }),
    ],
    { numRuns: 15 },
  )(
    'rollups always equal a recount of the raw events, after any mix of batches and replays',
    async (batches, replays) => {
      for (const batch of batches) await ingestBatch(db(), batch);
      for (const r of replays) await ingestBatch(db(), batches[r % batches.length]!);
      const otpRollup = await queryRows<RollupRow>(
        db(),
        sql`select concat_ws('|', hour, channel, purpose, country, kind, reason) as k, sum(count)::int as n from otp_rollup_hourly group by 1 order by 1`,
      );
      const otpRecount = await queryRows<RollupRow>(
        db(),
        sql`select concat_ws('|', date_trunc('hour', occurred_at, 'UTC'), channel, purpose, coalesce(country, ''), kind, case when kind = 'failed' then coalesce(failure_reason, '') else '' end) as k, count(*)::int as n
            from otp_events group by 1 order by 1`,
      );
      expect(otpRollup).toEqual(otpRecount);
      const loginRollup = await queryRows<RollupRow>(
        db(),
        sql`select concat_ws('|', hour, outcome, reason, country) as k, sum(count)::int as n from login_rollup_hourly group by 1 order by 1`,
      );
      const loginRecount = await queryRows<RollupRow>(
        db(),
        sql`select concat_ws('|', date_trunc('hour', occurred_at, 'UTC'), outcome, coalesce(failure_reason, ''), coalesce(country, '')) as k, count(*)::int as n from login_events group by 1 order by 1`,
      );
      expect(loginRollup).toEqual(loginRecount);
      const otpDaily = await queryRows<RollupRow>(
        db(),
        sql`select concat_ws('|', day, channel, purpose, country, kind, reason) as k, sum(count)::int as n from otp_rollup_daily group by 1 order by 1`,
      );
      const otpDailyRecount = await queryRows<RollupRow>(
        db(),
        sql`select concat_ws('|', date_trunc('day', occurred_at, 'UTC'), channel, purpose, coalesce(country, ''), kind, case when kind = 'failed' then coalesce(failure_reason, '') else '' end) as k, count(*)::int as n
            from otp_events group by 1 order by 1`,
      );
      expect(otpDaily).toEqual(otpDailyRecount);
      const loginDaily = await queryRows<RollupRow>(
        db(),
        sql`select concat_ws('|', day, outcome, reason, country) as k, sum(count)::int as n from login_rollup_daily group by 1 order by 1`,
      );
      const loginDailyRecount = await queryRows<RollupRow>(
        db(),
        sql`select concat_ws('|', date_trunc('day', occurred_at, 'UTC'), outcome, coalesce(failure_reason, ''), coalesce(country, '')) as k, count(*)::int as n from login_events group by 1 order by 1`,
      );
      expect(loginDaily).toEqual(loginDailyRecount);
      const otpDailyAll = await queryRows<RollupRow>(
        db(),
        sql`select concat_ws('|', day, channel, purpose, kind, reason) as k, sum(count)::int as n from otp_rollup_daily_all group by 1 order by 1`,
      );
      const otpDailyAllRecount = await queryRows<RollupRow>(
        db(),
        sql`select concat_ws('|', date_trunc('day', occurred_at, 'UTC'), channel, purpose, kind, case when kind = 'failed' then coalesce(failure_reason, '') else '' end) as k, count(*)::int as n
            from otp_events group by 1 order by 1`,
      );
      expect(otpDailyAll).toEqual(otpDailyAllRecount);
      const loginDailyAll = await queryRows<RollupRow>(
        db(),
        sql`select concat_ws('|', day, outcome, reason) as k, sum(count)::int as n from login_rollup_daily_all group by 1 order by 1`,
      );
      const loginDailyAllRecount = await queryRows<RollupRow>(
        db(),
        sql`select concat_ws('|', date_trunc('day', occurred_at, 'UTC'), outcome, coalesce(failure_reason, '')) as k, count(*)::int as n from login_events group by 1 order by 1`,
      );
      expect(loginDailyAll).toEqual(loginDailyAllRecount);
    },
  );

  // Bodies of every shape: arbitrary JSON, and valid batches with one field broken.
  const brokenBatch = fc
    .tuple(
      fc.array(validEvent, { minLength: 1, maxLength: 5 }),
      fc.nat(),
      fc.constantFrom('id', 'type', 'occurredAt', 'account', 'context', 'channel', 'reason'),
      fc.jsonValue(),
    )
    .map(([events, at, field, value]) => {
      const copy = events.map((e) => ({ ...e, id: `${e.id}_${Math.random().toString(36).slice(2)}` })) as Record<
        string,
        unknown
      >[];
      copy[at % copy.length]![field] = value;
      return { events: copy };
    });
  const anyBody = fc.oneof(
    fc.jsonValue(),
    fc.record({ events: fc.array(fc.jsonValue(), { maxLength: 5 }) }),
    brokenBatch,
  );

  test.prop([anyBody], { numRuns: 150 })(
    'never answers 5xx, and stores nothing from a rejected batch',
    async (body) => {
      const [before] = await db().select({ n: count() }).from(seenEvents);
      const res = await handleIngestRequest(eventsRequest(body, { key }));
      expect(res.status).toBeLessThan(500);
      const [after] = await db().select({ n: count() }).from(seenEvents);
      if (res.status !== 200) expect(after!.n).toBe(before!.n);
      else expect(((await res.json()) as { accepted: number }).accepted).toBe(after!.n - before!.n);
    },
  );

  test.prop([fc.string({ maxLength: 2000 })], { numRuns: 100 })(
    'any text body gets a 4xx naming the problem, never a 5xx',
    async (text) => {
      const res = await handleIngestRequest(eventsRequest(text, { key }));
      expect(res.status).toBeGreaterThanOrEqual(200);
      expect(res.status).toBeLessThan(500);
      if (res.status >= 400) expect(((await res.json()) as { error: string }).error).toMatch(/^invalid_(json|events)$/);
    },
  );
});
