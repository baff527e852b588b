/*
 * `npm run bench:history`: is page 500 of an account's login history as fast as page 1?
 * Stores 25 × 520 login events for one account (through the ingest storage code), walks every page with
 * keyset cursors, and compares the median time of pages 1–10 with pages 491–500 in the same run; the
 * same walk with OFFSET is printed as the baseline keyset paging avoids.
 * Uses DATABASE_URL (a PostgreSQL server) when set, else an in-memory embedded database.
 */
import { sql } from 'drizzle-orm';
import { migrateDatabase, openPglite, openPostgres, queryRows } from '@/db/client';
import { systemActor } from '@/lib/testing/fixtures';
import { historyPageSize, listLoginHistory } from '@/lib/accounts/account-history';
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
  const events: IngestEvent[] = Array.from(
    { length: pages * historyPageSize },
    (_, i) =>
      ({
        id: `${externalId}_${i}`,
        type: i % 9 === 0 ? 'login.failed' : 'login.succeeded',
        ...(i % 9 === 0 ? { reason: 'bad_password' } : {}),
        occurredAt: new Date(start + i * 60_000).toISOString(),
        account: { id: externalId },
        context: { ip: '198.51.100.9', deviceId: `dev_${i % 5}`, country: i % 50 === 0 ? 'FR' : 'GB' },
      }) as IngestEvent,
  );
  for (let i = 0; i < events.length; i += 2000)
    await db.transaction((tx) => storeEvents(tx, events.slice(i, i + 2000)));
  await db.execute(sql`analyze login_events`);
  const [account] = await queryRows<{ id: string }>(db, sql`select id from accounts where external_id = ${externalId}`);

  const keysetTimes: number[] = [];
  let after: string | null = null;
  for (let p = 0; p < 500; p++) {
    const t = performance.now();
    const page: Awaited<ReturnType<typeof listLoginHistory>> = await listLoginHistory(
      serviceContext(db, systemActor),
      account!.id,
      {},
      { after },
    );
    keysetTimes.push(performance.now() - t);
    after = page.older;
  }
  const offsetTimes: number[] = [];
  for (const p of [...Array.from({ length: 10 }, (_, i) => i), ...Array.from({ length: 10 }, (_, i) => 490 + i)]) {
    const t = performance.now();
    await db.execute(
      sql`select id from login_events where account_id = ${account!.id} order by occurred_at desc, id desc limit ${historyPageSize} offset ${p * historyPageSize}`,
    );
    offsetTimes.push(performance.now() - t);
  }
  const first = median(keysetTimes.slice(0, 10));
  const last = median(keysetTimes.slice(490, 500));
  console.log(`engine: ${database.kind}; ${events.length} login events on one account, ${historyPageSize} per page`);
  console.log(
    `keyset  page 1-10 median ${first.toFixed(2)} ms, page 491-500 median ${last.toFixed(2)} ms, ratio page500/page1 = ${(last / first).toFixed(2)}`,
  );
  const offFirst = median(offsetTimes.slice(0, 10));
  const offLast = median(offsetTimes.slice(10));
  console.log(
    `offset  page 1-10 median ${offFirst.toFixed(2)} ms, page 491-500 median ${offLast.toFixed(2)} ms, ratio page500/page1 = ${(offLast / offFirst).toFixed(2)} (baseline, ids only)`,
  );
  await database.close();
}

void main();
