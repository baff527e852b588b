/*
 * `npm run bench:history`: is page 500 of an account's timeline as fast as page 1?
 * Stores 25 × 520 timeline rows for one account (through the ingest storage code): logins, codes of two
 * events each, and account changes. Walks every page with keyset cursors, and compares the median time of
 * pages 1–10 with pages 491–500 in the same run; the same walk with OFFSET over the login events alone is
 * printed as the baseline keyset paging avoids.
 * Uses DATABASE_URL (a PostgreSQL server) when set, else an in-memory embedded database.
 */
import { sql } from 'drizzle-orm';
import { migrateDatabase, openPglite, openPostgres, queryRows } from '@/db/client';
import { systemActor } from '@/lib/testing/fixtures';
import { accountTimeline, timelinePageSize } from '@/lib/accounts/account-timeline';
import { serviceContext } from '@/lib/context';
import { storeEvents } from '@/lib/ingest/store-events';
import type { IngestEvent } from '@/lib/ingest/event-schema';

const pages = 520;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const url = process.env.DATABASE_URL;
  const database = url ? openPostgres(url) : await openPglite();
  await migrateDatabase(database);
  const db = database.db;
  const externalId = `cus_bench_${Date.now().toString(36)}`;
  const start = Date.now() - 400 * 86_400_000;
  const at = (i: number, plusMs = 0) => new Date(start + i * 60_000 + plusMs).toISOString();
  const account = { id: externalId };
  const context = (i: number) => ({
    ip: '198.51.100.9',
    deviceId: `dev_${i % 5}`,
    country: i % 50 === 0 ? 'FR' : 'GB',
  });
  // Per 10 rows: 6 logins, 3 codes (issued, then verified or failed), 1 account change.
  const events: IngestEvent[] = Array.from({ length: pages * timelinePageSize }, (_, i): IngestEvent[] => {
    const id = `${externalId}_${i}`;
    const slot = i % 10;
    if (slot < 6)
      return [
        {
          id,
          type: i % 9 === 0 ? 'login.failed' : 'login.succeeded',
          ...(i % 9 === 0 ? { reason: 'bad_password' } : {}),
          occurredAt: at(i),
          account,
          context: context(i),
        } as IngestEvent,
      ];
    if (slot < 9) {
      const code = { otpId: `otp_${i}`, channel: 'sms', purpose: 'login', account, context: context(i) } as const;
      return [
        { ...code, id: `${id}_a`, type: 'otp.issued', occurredAt: at(i) },
        i % 7 === 0
          ? { ...code, id: `${id}_b`, type: 'otp.failed', reason: 'incorrect', occurredAt: at(i, 20_000) }
          : { ...code, id: `${id}_b`, type: 'otp.verified', occurredAt: at(i, 20_000) },
      ];
    }
    return [
      i % 20 === 9
        ? { id, type: 'account.password_changed', occurredAt: at(i), account, context: context(i) }
        : { id, type: 'account.2fa_changed', enabled: i % 40 !== 19, occurredAt: at(i), account, context: context(i) },
    ];
  }).flat();
  for (let i = 0; i < events.length; i += 2000)
    await db.transaction((tx) => storeEvents(tx, events.slice(i, i + 2000)));
  await db.execute(sql`analyze login_events`);
  await db.execute(sql`analyze otp_events`);
  await db.execute(sql`analyze account_events`);
  const [stored] = await queryRows<{ id: string }>(db, sql`select id from accounts where external_id = ${externalId}`);

  // Warm-up (connections, planner caches, JIT) so page 1 is not charged for it.
  let warm: string | null = null;
  for (let p = 0; p < 10; p++)
    warm = (await accountTimeline(serviceContext(db, systemActor), stored!.id, {}, { after: warm })).older;
  const keysetTimes: number[] = [];
  let rows = 0;
  let after: string | null = null;
  for (let p = 0; p < 500; p++) {
    const t = performance.now();
    const page: Awaited<ReturnType<typeof accountTimeline>> = await accountTimeline(
      serviceContext(db, systemActor),
      stored!.id,
      {},
      { after },
    );
    keysetTimes.push(performance.now() - t);
    rows += page.items.length;
    after = page.older;
  }
  const offsetTimes: number[] = [];
  for (const p of [...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => 490 + i)]) {
    const t = performance.now();
    await db.execute(
      sql`select id from login_events where account_id = ${stored!.id} order by occurred_at desc, id desc limit ${timelinePageSize} offset ${p * timelinePageSize}`,
    );
    offsetTimes.push(performance.now() - t);
  }
  if (rows !== 500 * timelinePageSize) throw new Error(`the walk saw ${rows} rows, expected ${500 * timelinePageSize}`);
  const first = median(keysetTimes.slice(0, 10));
  const last = median(keysetTimes.slice(490, 500));
  console.log(
    `engine: ${database.kind}; ${pages * timelinePageSize} timeline rows (${events.length} events: logins, codes, account changes) on one account, ${timelinePageSize} per page`,
  );
  console.log(
    `keyset  page 1-10 median ${first.toFixed(2)} ms, page 491-500 median ${last.toFixed(2)} ms, ratio page500/page1 = ${(last / first).toFixed(2)}`,
  );
  const offFirst = median(offsetTimes.slice(0, 10));
  const offLast = median(offsetTimes.slice(10));
  console.log(
    `offset  page 1-10 median ${offFirst.toFixed(2)} ms, page 491-500 median ${offLast.toFixed(2)} ms, ratio page500/page1 = ${(offLast / offFirst).toFixed(2)} (baseline: login events alone, ids only)`,
  );
  await database.close();
}

void main();
