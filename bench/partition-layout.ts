/*
 * `npm run bench:partition-layout` (needs DATABASE_URL, a PostgreSQL server): why an event partition holds a part of a
 * month, not a whole month (docs/data-lifecycle.md). Ingest writes every event into the current partition's
 * per-account indexes at a random place, so what it pays grows with that partition until it closes.
 *
 * Loads the same N OTP events (default 10,000,000, 100,000 accounts) over the 42 days before the last hour of last
 * month into two stores: one with whole-month partitions (as made before session 26: at the month's end its partition
 * holds 30 days), one with parts of months (the last part, from the 22nd, holds 9 days). Settles each as bench:scale
 * does, then times bench:ingest-pair's interleaved rounds on it against a fresh small store beside it, with every
 * round's events dated in that month's last 7 days: the ingest ratio at a month's end, for each layout.
 *
 *   npm run bench:partition-layout -- [--events 10000000] [--port 3497]
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { addMonths, monthPartitionName, monthStart, partitionedTables } from '@/db/partitions';
import { createApiKey } from '@/lib/api-keys/create-api-key';
import { serviceContext } from '@/lib/context';
import { bulkSeedEvents } from '@/lib/demo/bulk-events';
import { compactRollups } from '@/lib/ingest/compact-rollups';
import { systemActor } from '@/lib/testing/fixtures';
import { benchEnvironment } from './bench-database';
import { generateEvents, interleavedIngest, interleavedLine, ingestRate } from './ingest-load';

const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const events = Number(flag('events') ?? 10_000_000);
const port = Number(flag('port') ?? 3497);
const days = 42;
const hourMs = 3_600_000;
/** The last hour of last month: the month's partition is as full as it gets, the last part holds 9 days. */
const end = new Date(monthStart(new Date()).getTime() - hourMs);

const target = async (db: Db, at: number) => ({
  url: `http://localhost:${at}/api/v1/events`,
  key: (await createApiKey(serviceContext(db, systemActor), { name: 'bench', scopes: ['events:write'] })).key,
  db,
});

async function measure(layout: 'month' | 'part', seed: number) {
  const big = await benchEnvironment(`layout_${layout}`, port);
  const db = big.database.db;
  try {
    if (layout === 'month') {
      // Whole months from the load's first through the one after now, before anything makes a part in them.
      const from = monthStart(new Date(end.getTime() - days * 24 * hourMs));
      for (let m = from; m <= addMonths(monthStart(new Date()), 1); m = addMonths(m, 1))
        for (const table of partitionedTables)
          await db.execute(
            sql.raw(
              `create table ${monthPartitionName(table, m)} partition of ${table} for values from ('${m.toISOString()}') to ('${addMonths(m, 1).toISOString()}')`,
            ),
          );
    }
    const t = performance.now();
    await bulkSeedEvents(big.database, { kind: 'otp', events, accounts: 100_000, days, seed, end });
    await compactRollups(db);
    for (const table of ['otp_events', 'seen_events', 'accounts', 'otp_rollup_daily_all'])
      await db.execute(sql.raw(`vacuum analyze ${table}`));
    await db.execute(sql`checkpoint`);
    // The partition the measured rounds write into, and its per-account indexes.
    const [current] = await queryRows<{ name: string; rows: string; indexes: string }>(
      db,
      sql`select c.relname as name, c.reltuples::bigint::text as rows,
            pg_size_pretty(pg_indexes_size(c.oid)) as indexes
          from pg_inherits i join pg_class c on c.oid = i.inhrelid
          where i.inhparent = 'otp_events'::regclass
            and pg_get_expr(c.relpartbound, c.oid) like ${`%'${end.toISOString().slice(0, 8)}%`}
          order by c.relname desc limit 1`,
    );
    console.log(
      `${layout === 'month' ? 'whole months' : 'parts of months'}: ${events.toLocaleString('en-US')} events loaded in ${((performance.now() - t) / 1000).toFixed(0)} s; ` +
        `the current partition ${current?.name}: ${Number(current?.rows ?? 0).toLocaleString('en-US')} rows, indexes ${current?.indexes}`,
    );
    const small = await benchEnvironment(`layout_${layout}_small`, port + 1);
    try {
      await big.startServer();
      await small.startServer();
      const bigStore = await target(db, port);
      const smallStore = await target(small.database.db, port + 1);
      const warmUp = generateEvents(100_000, seed + 100, end);
      for (const store of [bigStore, smallStore]) await ingestRate(store, warmUp, [bigStore, smallStore]);
      const outcome = await interleavedIngest(bigStore, smallStore, seed + 101, end);
      console.log(`  ${interleavedLine(outcome)}`);
      return outcome.ratio;
    } finally {
      await small.dispose();
    }
  } finally {
    await big.dispose();
  }
}

async function main() {
  console.log(
    `${events.toLocaleString('en-US')} OTP events over the ${days} days to ${end.toISOString()}, each layout in its own store; ingest at that month's end:`,
  );
  const month = await measure('month', 31);
  const part = await measure('part', 31);
  console.log(
    `ingest ratio at a month's end: whole months ${month.toFixed(2)}×, parts ${part.toFixed(2)}× (goal ≥ 0.8); parts ÷ months ${(part / month).toFixed(2)}`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
