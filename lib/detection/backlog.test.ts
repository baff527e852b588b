import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { alerts, detectionBacklog } from '@/db/schema';
import { uniqueSuffix } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { storeEvents } from '@/lib/ingest/store-events';
import { holdBacklogRows, releaseBacklogRows, renewHeldLeases, sweepDetectionBacklog } from './backlog';
import { detectionIdle, scheduleDetection } from './queue';
import { minuteMs } from './types';
import { workFromJson, workToJson, type StoredWork } from './work';

const { db } = setupTestDatabase();

let n = 0;
const id = (prefix: string) => `${prefix}_${uniqueSuffix()}_${(n += 1)}`;
const base = Date.now() - 2 * 60 * minuteMs;

/** Six codes in six minutes that nobody asked for: the unrequested-OTP-burst rule fires on them. */
const burst = (account: string): IngestEvent[] =>
  Array.from({ length: 6 }, (_, i) => ({
    id: id('evt'),
    type: 'otp.issued',
    occurredAt: new Date(base + i * minuteMs).toISOString(),
    account: { id: account },
    otpId: id('otp'),
    channel: 'sms',
    purpose: 'login',
    context: { ip: '198.51.100.7', country: 'NL' },
  }));

const alertsOf = (account: string) => db().select().from(alerts).where(eq(alerts.subjectId, account));
const backlogRow = async (rowId: number) =>
  (await db().select().from(detectionBacklog).where(eq(detectionBacklog.id, rowId)))[0];
/** As if the server that stored the batch had crashed: its lease is over. */
const expireLease = (rowId: number) =>
  db()
    .update(detectionBacklog)
    .set({ leaseUntil: sql`now() - interval '1 second'` })
    .where(eq(detectionBacklog.id, rowId));

/** Sweeps until the row is gone (other tests of this file may have expired rows too; a sweep takes the oldest first). */
async function sweepUntilGone(rowId: number) {
  for (let i = 0; i < 20 && (await backlogRow(rowId)); i++) await sweepDetectionBacklog(db());
}

describe('detection backlog', () => {
  it('a stored batch records its detection work in the same transaction, leased to the server that stored it', async () => {
    const account = id('cus');
    const events = burst(account);
    const stored = await db().transaction((tx) => storeEvents(tx, events));
    const row = await backlogRow(stored.backlogRow!);
    expect(row).toBeDefined();
    expect(row!.leaseUntil.getTime()).toBeGreaterThan(Date.now() + 50_000); // VIGIL_DETECTION_LEASE_SECONDS, 60 by default
    const work = workFromJson(row!.work as StoredWork);
    expect([...work.accounts.keys()]).toEqual(stored.accountIds);
    expect([...work.accounts.values()][0]!.newEventIds).toEqual(new Set(events.map((e) => e.id)));
    // A rolled-back batch leaves no work behind.
    const before = await db().$count(detectionBacklog);
    await expect(
      db().transaction(async (tx) => {
        await storeEvents(tx, burst(id('cus')));
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await db().$count(detectionBacklog)).toBe(before);
  });

  it('a batch no rule could use (codes verified, 2FA turned on) stores its events but no work', async () => {
    const account = id('cus');
    const at = new Date(base).toISOString();
    const harmless: IngestEvent[] = [
      {
        id: id('evt'),
        type: 'otp.verified',
        occurredAt: at,
        account: { id: account },
        otpId: id('otp'),
        channel: 'sms',
        purpose: 'login',
      },
      {
        id: id('evt'),
        type: 'account.2fa_changed',
        occurredAt: at,
        account: { id: account },
        enabled: true,
        method: 'totp',
      },
    ];
    const before = await db().$count(detectionBacklog);
    const stored = await db().transaction((tx) => storeEvents(tx, harmless));
    expect(stored).toMatchObject({ accepted: 2, backlogRow: null });
    expect(stored.detection.accounts.size + stored.detection.ips.size).toBe(0);
    expect(await db().$count(detectionBacklog)).toBe(before);
  });

  it('ingest runs detection after commit and then clears the row', async () => {
    const account = id('cus');
    const result = await ingestBatch(db(), burst(account));
    await detectionIdle();
    expect(await alertsOf(account)).toHaveLength(1);
    expect(await backlogRow(result.backlogRow!)).toBeUndefined();
  });

  it('work a crashed server never ran is swept once its lease is over, and raises the alert', async () => {
    const account = id('cus');
    // Stored and committed, but the server died before detection ran (nothing was scheduled).
    const stored = await db().transaction((tx) => storeEvents(tx, burst(account)));
    // While the lease holds, a sweep leaves it to its owner.
    await sweepDetectionBacklog(db());
    expect(await backlogRow(stored.backlogRow!)).toMatchObject({ attempts: 0 });
    expect(await alertsOf(account)).toEqual([]);

    await expireLease(stored.backlogRow!);
    await sweepUntilGone(stored.backlogRow!);
    expect(await backlogRow(stored.backlogRow!)).toBeUndefined();
    const [alert, ...rest] = await alertsOf(account);
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({ rule: 'unrequested_otp_burst', evidenceCount: 6 });
  });

  it('work that failed stays in the backlog with a longer lease, and running it again later changes nothing twice', async () => {
    const account = id('cus');
    const stored = await db().transaction((tx) => storeEvents(tx, burst(account)));
    // Every detection transaction fails: the queue retries, then gives up; the row must stay.
    const broken = new Proxy(db(), {
      get(target, property, receiver) {
        if (property === 'transaction') return () => Promise.reject(new Error('connection reset'));
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    await expireLease(stored.backlogRow!);
    await expect(sweepDetectionBacklog(broken, { limit: 1000 })).rejects.toThrow('connection reset');
    const kept = await backlogRow(stored.backlogRow!);
    expect(kept).toMatchObject({ attempts: 1 });
    expect(kept!.leaseUntil.getTime()).toBeGreaterThan(Date.now() + 110_000); // two owner leases
    expect(await alertsOf(account)).toEqual([]);

    // The owner's queue (or a later sweep) runs it for real; a second run of the same work changes nothing.
    scheduleDetection(db(), stored.detection, stored.backlogRow);
    await detectionIdle();
    expect(await backlogRow(stored.backlogRow!)).toBeUndefined();
    const first = await alertsOf(account);
    expect(first).toHaveLength(1);
    await db()
      .insert(detectionBacklog)
      .values({ work: workToJson(stored.detection), leaseUntil: sql`now() - interval '1 second'` });
    for (let i = 0; i < 20 && (await db().$count(detectionBacklog, sql`lease_until < now()`)) > 0; i++)
      await sweepDetectionBacklog(db());
    expect(await alertsOf(account)).toEqual(first);
  });
});

describe('detection backlog leases', () => {
  it('a server renews the lease of work it still holds, so no sweep takes it while it lags behind', async () => {
    const account = id('cus');
    const stored = await db().transaction((tx) => storeEvents(tx, burst(account)));
    const row = stored.backlogRow!;
    holdBacklogRows([row]);
    try {
      await expireLease(row);
      await renewHeldLeases(db());
      expect((await backlogRow(row))!.leaseUntil.getTime()).toBeGreaterThan(Date.now() + 50_000);
      await sweepDetectionBacklog(db(), { limit: 1000 });
      expect(await backlogRow(row)).toMatchObject({ attempts: 0 });
    } finally {
      releaseBacklogRows([row]);
    }
    // Released (its server gave up on it): the lease is no longer renewed, and once it runs out a sweep takes it.
    await expireLease(row);
    await renewHeldLeases(db());
    await sweepUntilGone(row);
    expect(await alertsOf(account)).toHaveLength(1);
  });
});
