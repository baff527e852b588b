import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accountIdFor } from '@/db/account-id';
import { queryRows, type Tx } from '@/db/client';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { uniqueSuffix } from '@/lib/testing/fixtures';
import { loadAccountEvents, loadPrefixCounts } from './load-events';
import { detectionIdle } from './queue';

const { db } = setupTestDatabase();

const login = (account: string, at: string): IngestEvent => ({
  id: `evt_${uniqueSuffix()}`,
  type: 'login.succeeded',
  occurredAt: at,
  account: { id: account },
  method: 'password',
  context: { ip: '198.51.100.7', deviceId: 'dev_1', country: 'GB' },
});

/** Scans this transaction has made so far of January 2024's event partitions, through their indexes or whole. */
const januaryScans = async (tx: Tx) => {
  const [r] = await queryRows<{ n: string }>(
    tx,
    sql`select coalesce(sum(pg_stat_get_xact_numscans(c.oid)), 0) as n
          from pg_class c
         where c.relname in ('login_events_p2024_01', 'otp_events_p2024_01', 'account_events_p2024_01')
            or c.oid in (select indexrelid from pg_index where indrelid in
                 ('login_events_p2024_01'::regclass, 'otp_events_p2024_01'::regclass, 'account_events_p2024_01'::regclass))`,
  );
  return Number(r!.n);
};

describe("detection's account reads", () => {
  it('read no month before an account’s first event: a young account’s history search skips the older months', async () => {
    const old = `cus_hist_old_${uniqueSuffix()}`;
    const young = `cus_hist_young_${uniqueSuffix()}`;
    await ingestBatch(db(), [login(old, '2024-01-10T09:00:00Z'), login(old, '2024-03-20T09:00:00Z')]);
    await ingestBatch(db(), [login(young, '2024-03-20T10:00:00Z')]);
    await detectionIdle();
    const window = (external: string) => ({
      accountId: accountIdFor(external),
      since: new Date('2024-03-20T00:00:00Z'),
      until: new Date('2024-03-21T00:00:00Z'),
      historySince: new Date('2023-12-20T00:00:00Z'),
    });
    const [youngRead, oldRead] = await db().transaction(async (tx) => {
      const before = await januaryScans(tx);
      const y = await loadAccountEvents(tx, [window(young)]);
      const afterYoung = await januaryScans(tx);
      const o = await loadAccountEvents(tx, [window(old)]);
      const afterOld = await januaryScans(tx);
      // The history itself is whole: the old account's January login is there, the young one's own login too.
      expect(y.get(accountIdFor(young))!.events.map((e) => new Date(e.occurredAt).toISOString())).toEqual([
        '2024-03-20T10:00:00.000Z',
      ]);
      expect(o.get(accountIdFor(old))!.events.map((e) => new Date(e.occurredAt).toISOString())).toEqual([
        '2024-01-10T09:00:00.000Z',
        '2024-03-20T09:00:00.000Z',
      ]);
      return [afterYoung - before, afterOld - afterYoung];
    });
    // The old account's history is searched in January's three tables; the young account's is not searched there.
    expect(oldRead).toBeGreaterThanOrEqual(3);
    expect(youngRead).toBe(0);
  });

  it('read a country’s prefix minutes through its index, not the whole minute rollup (kept for 90 days)', async () => {
    // Two days of another country's minutes in 2024, and ten minutes of the country read, 2024-05-01 10:00–10:09.
    await db().execute(
      sql`insert into otp_prefix_rollup_minute (minute, country_code, prefix, kind, shard, count)
          select timestamptz '2024-04-28' + i * interval '1 minute', '998', '+998901234', 'issued', 0, 1
            from generate_series(0, 2 * 1440 - 1) i
          union all
          select timestamptz '2024-05-01 10:00:00Z' + i * interval '1 minute', '997', '+997901234', k, 0, 2
            from generate_series(0, 9) i, unnest(array['issued', 'verified']) k`,
    );
    await db().execute(sql`analyze otp_prefix_rollup_minute`);
    const scans = async (tx: Tx) => {
      const [r] = await queryRows<{ table: string; index: string }>(
        tx,
        sql`select pg_stat_get_xact_numscans('otp_prefix_rollup_minute'::regclass) as table,
                   (select sum(pg_stat_get_xact_numscans(indexrelid)) from pg_index
                     where indrelid = 'otp_prefix_rollup_minute'::regclass) as index`,
      );
      return { table: Number(r!.table), index: Number(r!.index) };
    };
    const { counts, before, after } = await db().transaction(async (tx) => {
      const before = await scans(tx);
      const counts = await loadPrefixCounts(tx, [
        { countryCode: '997', since: new Date('2024-05-01T10:05:00Z'), until: new Date('2024-05-01T10:30:00Z') },
      ]);
      return { counts, before, after: await scans(tx) };
    });
    // Minutes 10:05 to 10:09 (in no particular order), each with its issued and verified counts.
    const minutes = [...counts.get('997')!].sort((a, b) => a.minute - b.minute);
    expect(minutes.map((m) => [new Date(m.minute).toISOString(), m.issued, m.verified])).toEqual(
      [5, 6, 7, 8, 9].map((i) => [`2024-05-01T10:0${i}:00.000Z`, 2, 2]),
    );
    expect(after.table - before.table).toBe(0);
    expect(after.index - before.index).toBeGreaterThanOrEqual(1);
  });
});
