import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accountIdFor } from '@/db/account-id';
import { queryRows, type Tx } from '@/db/client';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { uniqueSuffix } from '@/lib/testing/fixtures';
import { loadAccountEvents } from './load-events';
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
});
