import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accountIdFor } from '@/db/account-id';
import { queryRows } from '@/db/client';
import { loginEvents } from '@/db/schema';
import { loginEvent } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { phonePrefix } from '@/lib/ingest/phone-prefix';
import { storeEvents } from '@/lib/ingest/store-events';
import { resetEnvForTests } from '@/lib/env';
import { bulkSeedEvents } from './bulk-events';

const { db, database } = setupTestDatabase();

describe('the bulk path', () => {
  it('creates accounts with the ids ingest derives, so later events join them', async (ctx) => {
    // COPY needs the server; the embedded engine is refused by the bulk path itself.
    if (database().kind !== 'postgres') return ctx.skip();
    const written = await bulkSeedEvents(database(), {
      kind: 'otp',
      events: 300,
      accounts: 10,
      days: 2,
      seed: 77,
      end: new Date('2026-07-10T00:00:00Z'),
    });
    expect(written).toBe(300);
    const accounts = await queryRows<{ id: string; external_id: string }>(
      db(),
      sql`select id, external_id from accounts`,
    );
    expect(accounts.length).toBeGreaterThan(0);
    for (const a of accounts) expect(a.id).toBe(accountIdFor(a.external_id));
    const one = accounts[0]!;
    await db().transaction((tx) => storeEvents(tx, [loginEvent(one.external_id, new Date('2026-07-10T01:00:00Z'))]));
    expect(await db().select().from(loginEvents).where(eq(loginEvents.accountId, one.id))).toHaveLength(1);
    expect(await queryRows(db(), sql`select 1 from accounts`)).toHaveLength(accounts.length);
  });

  it('writes what ingest would for its codes: destinations, pairing rows inside the codes’ window, latency counts', async (ctx) => {
    if (database().kind !== 'postgres') return ctx.skip();
    process.env.VIGIL_RETENTION_CODES_DAYS = '1';
    resetEnvForTests();
    try {
      const end = new Date('2026-08-20T00:00:00Z');
      await bulkSeedEvents(database(), { kind: 'otp', events: 2000, accounts: 40, days: 3, seed: 78, end });
      const [facts] = await queryRows<{
        sms: number;
        sms_to_phone: number;
        other_with_destination: number;
        codes_in_window: number;
        pairings: number;
        pairings_outside: number;
        verified: number;
        counted_verified: number;
        verified_in_window: number;
        flagged_verified: number;
      }>(
        db(),
        sql`with mine as (select e.*, a.phone from otp_events e join accounts a on a.id = e.account_id
                           where a.external_id like 'cus_b26_%'),
                 codes as (select account_id, otp_id, min(occurred_at) as first_at,
                                  bool_or(kind = 'issued') and bool_or(kind = 'verified') as verified
                             from mine group by account_id, otp_id)
            select (select count(*) from mine where channel = 'sms')::int as sms,
                   (select count(*) from mine where channel = 'sms' and destination = phone)::int as sms_to_phone,
                   (select count(*) from mine where channel <> 'sms' and destination is not null)::int as other_with_destination,
                   (select count(*) from codes where first_at >= ${'2026-08-19T00:00:00Z'})::int as codes_in_window,
                   (select count(*) from otp_codes c join codes using (account_id, otp_id))::int as pairings,
                   (select count(*) from otp_codes c join codes using (account_id, otp_id) where codes.first_at < ${'2026-08-19T00:00:00Z'})::int as pairings_outside,
                   (select count(*) from codes where verified)::int as verified,
                   (select coalesce(sum(count), 0) from otp_latency_hourly where measure = 'verified' and hour >= ${'2026-08-01T00:00:00Z'})::int as counted_verified,
                   (select count(*) from codes where verified and first_at >= ${'2026-08-19T00:00:00Z'})::int as verified_in_window,
                   (select count(*) from otp_codes c join codes using (account_id, otp_id) where c.verify_counted)::int as flagged_verified`,
      );
      expect(facts!.sms).toBeGreaterThan(0);
      expect(facts!.sms_to_phone).toBe(facts!.sms);
      expect(facts!.other_with_destination).toBe(0);
      // The window is a day of the three: only those codes keep a pairing row.
      expect(facts!.codes_in_window).toBeGreaterThan(0);
      expect(facts!.pairings).toBe(facts!.codes_in_window);
      expect(facts!.pairings_outside).toBe(0);
      // Every verified code of the three days is timed once (the other test's codes are July's); the pairings inside
      // the window say so.
      expect(facts!.verified).toBeGreaterThan(0);
      expect(facts!.counted_verified).toBe(facts!.verified);
      expect(facts!.flagged_verified).toBe(facts!.verified_in_window);
    } finally {
      delete process.env.VIGIL_RETENTION_CODES_DAYS;
      resetEnvForTests();
    }
  });
  it('writes the destination-prefix minutes and hours of codes to a phone, inside the hourly rollups’ window', async (ctx) => {
    if (database().kind !== 'postgres') return ctx.skip();
    process.env.VIGIL_RETENTION_HOURLY_DAYS = '1';
    resetEnvForTests();
    try {
      const end = new Date('2026-09-20T00:00:00Z');
      const since = '2026-09-19T00:00:00Z';
      await bulkSeedEvents(database(), { kind: 'otp', events: 3000, accounts: 60, days: 3, seed: 79, end });
      // What ingest would have counted: each issued or verified code to a phone inside the window, by the prefix that
      // phonePrefix gives its destination, in its minute.
      const events = await queryRows<{ destination: string; kind: string; minute: string }>(
        db(),
        sql`select e.destination, e.kind, to_char(date_trunc('minute', e.occurred_at, 'UTC'), 'YYYY-MM-DD"T"HH24:MI') as minute
              from otp_events e join accounts a on a.id = e.account_id
             where a.external_id like 'cus_b27_%' and e.destination is not null and e.kind in ('issued', 'verified')
               and e.occurred_at >= ${since}`,
      );
      const expected = new Map<string, number>();
      for (const e of events) {
        const at = phonePrefix(e.destination)!;
        const key = `${e.minute}|${at.countryCode}|${at.prefix}|${e.kind}`;
        expected.set(key, (expected.get(key) ?? 0) + 1);
      }
      expect(expected.size).toBeGreaterThan(0);
      // The file's other tests wrote July's and August's codes: this one's rows are September's.
      const september = '2026-09-01T00:00:00Z';
      const minutes = await queryRows<{ key: string; count: number }>(
        db(),
        sql`select to_char(minute at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') || '|' || country_code || '|' || prefix || '|' || kind as key,
                   sum(count)::int as count
              from otp_prefix_rollup_minute where minute >= ${september} group by 1`,
      );
      expect(new Map(minutes.map((m) => [m.key, m.count]))).toEqual(expected);
      // The hours hold the same counts, and nothing before the window was written.
      const [totals] = await queryRows<{ minutes: number; hours: number; before: number }>(
        db(),
        sql`select (select coalesce(sum(count), 0) from otp_prefix_rollup_minute where minute >= ${september})::int as minutes,
                   (select coalesce(sum(count), 0) from otp_prefix_rollup_hourly where hour >= ${september})::int as hours,
                   (select count(*) from otp_prefix_rollup_minute where minute >= ${september} and minute < ${since})::int
                     + (select count(*) from otp_prefix_rollup_hourly where hour >= ${september} and hour < ${since})::int as before`,
      );
      expect(totals).toEqual({ minutes: events.length, hours: events.length, before: 0 });
    } finally {
      delete process.env.VIGIL_RETENTION_HOURLY_DAYS;
      resetEnvForTests();
    }
  });
});
