/*
 * `npm run bench:scale` (needs DATABASE_URL, a PostgreSQL server): does Vigil stay as fast with 50 million stored
 * events as with a small store, and can retention drop a month while ingest goes on? In one run, on a scratch
 * database and a production server:
 *   1. empty store: ingest rate through the API (100,000 events, 4 clients), on a second scratch database and server
 *      kept beside the big one, so that the baseline can be taken again next to the big store's figure (step 3);
 *   2. after loading the first 10,000,000 OTP events (bulk path, 210 days): the 90-day daily chart through the API,
 *      and an account's first and 10th history page (the account page's read, in process; one account with ~500
 *      codes, the same at every size);
 *   3. after loading up to N events (default 50,000,000): the same three, as ratios to 1 and 2. Ingest is timed in three
 *      rounds that post the same 100,000 events to the big store and to the small one, in the order big, small, small,
 *      big, big, small, and the ratio is of the rounds' means (the first empty-store figure is printed beside it: in a
 *      300,000-event trial it was 5,541 events/s, against 7,484–7,703 for the same small store beside the big one);
 *   4. retention (VIGIL_RETENTION_EVENTS_DAYS, 180) while 2 clients keep ingesting: the time of each dropped
 *      partition's DETACH and DROP, the slowest ingest batch during the run against the slowest before it, and the
 *      longest lock wait of an ingest session behind the run;
 *   5. disk size of the event tables per million events, before and after the drop.
 * Goals (the data-lifecycle issue): ingest ≥ 0.8 × empty, chart ≤ 1.2 × the 10-million figure, history pages ≤ 1.2 ×,
 * drop < 1 s of locks, no batch waiting more than 1 s for it.
 *
 *   npm run bench:scale -- [--events 50000000] [--port 3493] [--keep]
 *
 * --keep leaves the database in place at the end (its name is printed), to probe the big store afterwards with
 * `npm run bench:ingest-probe -- --database NAME`; drop it by hand when done.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { accountIdFor } from '@/db/account-id';
import { accountTimeline } from '@/lib/accounts/account-timeline';
import { createApiKey } from '@/lib/api-keys/create-api-key';
import { serviceContext } from '@/lib/context';
import { bulkSeedEvents } from '@/lib/demo/bulk-events';
import { compactRollups } from '@/lib/ingest/compact-rollups';
import { runRetention } from '@/lib/retention/run-retention';
import { systemActor } from '@/lib/testing/fixtures';
import { benchApplicationName, benchEnvironment, percentile } from './bench-database';
import {
  detectionDone,
  fmtRate,
  generateEvents,
  ingestRate,
  interleavedIngest,
  interleavedLine,
  postBatches,
} from './ingest-load';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const total = arg('events', 50_000_000);
const port = arg('port', 3493);
const dayMs = 86_400_000;
const accounts = 100_000;
const seeds = { first: 21, rest: 22, deep: 20 };
/**
 * The account whose history pages are timed: one account with ~500 codes (1,000 events) over the 210 days, loaded
 * with the first 10M, so that its 10th page (25 codes a page) lies ~100 days back, across months, and so that the
 * same account is read at 10M and at N. (The bulk population's accounts have ~50 codes each: 2 pages, no 10th; until
 * session 18 the bench timed the busiest of them, whose "10th page" was its last.)
 */
const deepHistory = { events: 1_000, externalId: `cus_b${seeds.deep.toString(36)}_0` };
const deepPage = 10;

async function timed(runs: number, work: () => Promise<unknown>) {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await work();
    out.push(performance.now() - t);
  }
  return percentile(out, 50);
}

/**
 * The longest lock waits of the server's sessions (ingest) while `work` runs, from PostgreSQL's own record of when a
 * backend began to wait (pg_locks.waitstart), polled every 20 ms: any wait (batches also wait for each other's
 * account rows), and a wait behind the bench's own sessions (pg_blocking_pids), that is behind the retention run,
 * which is what the goal is about. The bench's sessions are told apart by their application_name. A wait that ends
 * between two polls is counted up to the last poll that saw it (so up to ~20 ms short).
 */
async function longestLockWaits<T>(db: Db, work: () => Promise<T>) {
  const longest = { any: { ms: 0, query: '' }, behindRun: { ms: 0, query: '' } };
  let done = false;
  const poll = (async () => {
    while (!done) {
      const waits = await queryRows<{ ms: number; query: string; behind_run: boolean }>(
        db,
        sql`select extract(epoch from clock_timestamp() - l.waitstart) * 1000 as ms, left(a.query, 70) as query,
                   exists (select 1 from pg_stat_activity b
                            where b.pid = any(pg_blocking_pids(a.pid)) and b.application_name = ${benchApplicationName}) as behind_run
              from pg_locks l join pg_stat_activity a on a.pid = l.pid
             where not l.granted and l.waitstart is not null and a.datname = current_database()
               and a.backend_type = 'client backend' and a.application_name is distinct from ${benchApplicationName}`,
      );
      for (const w of waits) {
        const wait = { ms: Number(w.ms), query: w.query.replace(/\s+/g, ' ') };
        if (wait.ms > longest.any.ms) longest.any = wait;
        if (w.behind_run && wait.ms > longest.behindRun.ms) longest.behindRun = wait;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    // `longest` is filled in place: the last poll, awaited below, still counts in what this returns.
    return { result: await work(), waits: longest };
  } finally {
    done = true;
    await poll;
  }
}

/** CHECKPOINT needs a superuser or pg_checkpoint (PostgreSQL 15): without either, the bench says so and goes on. */
function checkpointer(db: Db) {
  let warned = false;
  return async () => {
    try {
      await db.execute(sql`checkpoint`);
    } catch (error) {
      if (!warned) console.log(`(no CHECKPOINT before the measures: ${(error as Error).message})`);
      warned = true;
    }
  };
}

async function main() {
  const env = await benchEnvironment('bench_scale', port, {}, { keep: process.argv.includes('--keep') });
  // The small store, for the ingest baseline: its own database and server, idle while the big store loads.
  const small = await benchEnvironment('bench_scale_small', port + 1);
  const { database } = env;
  const db = database.db;
  const checkpoint = checkpointer(db);
  const end = new Date(Math.floor(Date.now() / dayMs) * dayMs);
  try {
    // What the figures were measured on: the server's version and the settings that decide how much of a big store
    // stays in memory and how often a checkpoint comes.
    const settings = await queryRows<{ name: string; setting: string }>(
      db,
      sql`select name, current_setting(name) as setting from pg_settings
          where name in ('server_version', 'shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'wal_compression', 'effective_cache_size')
          order by name`,
    );
    console.log(`server: ${settings.map((r) => `${r.name} ${r.setting}`).join(', ')}`);
    await env.startServer();
    await small.startServer();
    const apiKey = async (target: Db) =>
      (
        await createApiKey(serviceContext(target, systemActor), {
          name: 'bench',
          scopes: ['events:write', 'metrics:read'],
        })
      ).key;
    const key = await apiKey(db);
    const url = `http://localhost:${port}/api/v1/events`;
    const smallStore = {
      url: `http://localhost:${port + 1}/api/v1/events`,
      key: await apiKey(small.database.db),
      db: small.database.db,
    };
    const bigStore = { url, key, db };
    const stores = [bigStore, smallStore];
    await ingestRate(smallStore, generateEvents(100_000, 1), stores); // warm-up
    await checkpoint(); // as before the big store's run (settle, below)
    const emptyRate = await ingestRate(smallStore, generateEvents(100_000, 2), stores);
    console.log(`empty store: ingest ${fmtRate(emptyRate)} events/s through the API`);

    const chart = async () => {
      const qs = new URLSearchParams({
        from: new Date(end.getTime() - 90 * dayMs).toISOString(),
        to: end.toISOString(),
        granularity: 'day',
        groupBy: 'channel',
      });
      const request = async () => {
        const res = await fetch(`http://localhost:${port}/api/v1/metrics/otp?${qs}`, {
          headers: { authorization: `Bearer ${key}` },
        });
        if (res.status !== 200) throw new Error(`metrics answered ${res.status}`);
        await res.json();
      };
      for (let i = 0; i < 10; i++) await request();
      return timed(25, request);
    };
    // The deep-history account: its first page and its 10th, which every walk must reach.
    const history = async () => {
      const ctx = serviceContext(db, systemActor);
      const accountId = accountIdFor(deepHistory.externalId);
      const walk = async () => {
        let after: string | null = null;
        const times: number[] = [];
        for (let p = 0; p < deepPage; p++) {
          const t = performance.now();
          const page: Awaited<ReturnType<typeof accountTimeline>> = await accountTimeline(
            ctx,
            accountId,
            {},
            { after },
          );
          times.push(performance.now() - t);
          after = page.older;
          if (!after && p < deepPage - 1) throw new Error(`the deep-history account has only ${p + 1} pages`);
        }
        return times;
      };
      await walk();
      const firsts: number[] = [];
      const deeps: number[] = [];
      // 45 walks: with 15 (until session 23) the first page's median moved by 0.2× between one run and a re-timing.
      for (let i = 0; i < 45; i++) {
        const times = await walk();
        firsts.push(times[0]!);
        deeps.push(times.at(-1)!);
      }
      return { first: percentile(firsts, 50), deep: percentile(deeps, 50) };
    };
    // The store at rest before each measure: rollups compacted, statistics fresh, and the loader's dirty pages written
    // out. Without the CHECKPOINT, a large shared_buffers (6 GB in session 18) still held GBs of the loader's pages,
    // and the measured ingest ran beside a checkpoint writing 4.1 GB of them (0.47× of the empty store).
    const settle = async () => {
      await compactRollups(db);
      for (const t of ['otp_events', 'seen_events', 'accounts', 'otp_rollup_daily_all'])
        await db.execute(sql.raw(`vacuum analyze ${t}`));
      await checkpoint();
    };
    const eventBytes = async () => {
      const [r] = await queryRows<{ bytes: string; n: string }>(
        db,
        sql`select (select sum(pg_total_relation_size(c.oid)) from pg_class c where c.relname like 'otp_events_p%'
                      or c.relname like 'login_events_p%' or c.relname like 'account_events_p%') as bytes,
                   (select count(*) from otp_events) + (select count(*) from login_events) + (select count(*) from account_events) as n`,
      );
      return { bytes: Number(r!.bytes), events: Number(r!.n) };
    };

    const firstLoad = Math.min(10_000_000, total);
    let t = performance.now();
    await bulkSeedEvents(database, { kind: 'otp', events: firstLoad, accounts, days: 210, seed: seeds.first, end });
    await bulkSeedEvents(database, {
      kind: 'otp',
      events: deepHistory.events,
      accounts: 1,
      days: 210,
      seed: seeds.deep,
      end,
    });
    console.log(
      `loaded ${firstLoad.toLocaleString('en-US')} events in ${((performance.now() - t) / 1000).toFixed(0)} s`,
    );
    await settle();
    const at10M = { chart: await chart(), ...(await history()) };
    console.log(
      `10M store: 90-day chart p50 ${at10M.chart.toFixed(1)} ms; history page 1 ${at10M.first.toFixed(1)} ms, page 10 ${at10M.deep.toFixed(1)} ms`,
    );

    t = performance.now();
    for (let loaded = firstLoad, part = 0; loaded < total; part++) {
      const n = Math.min(10_000_000, total - loaded);
      await bulkSeedEvents(database, { kind: 'otp', events: n, accounts, days: 210, seed: seeds.rest + part, end });
      loaded += n;
      console.log(`  … ${loaded.toLocaleString('en-US')} events (${((performance.now() - t) / 1000).toFixed(0)} s)`);
    }
    await settle();
    // The reads first, on a quiet server as at 10M: timed right after 100,000 events, they would share the cores
    // with those events' detection (a probe at 20M: chart p50 13.0 ms quiet, 23.2 ms just after, 11.4 ms 30 s on).
    await detectionDone(stores);
    const big = { chart: await chart(), ...(await history()) };
    // Ingest into each store in turn, the same events into both: big, small, small, big, big, small. The empty-store figure of
    // step 1 is ~80 minutes old by now, and these machines drift (the empty rate was 7,537–9,083 events/s in three
    // runs), so the baseline is taken again beside the big store's figure.
    const ingest = await interleavedIngest(bigStore, smallStore);
    const sizeBefore = await eventBytes();
    console.log(
      `${(sizeBefore.events / 1e6).toFixed(1)}M store: ${interleavedLine(ingest)}; ${(ingest.bigRate / emptyRate).toFixed(2)} × the first empty-store figure`,
    );
    console.log(
      `  90-day chart p50 ${big.chart.toFixed(1)} ms = ${(big.chart / at10M.chart).toFixed(2)} × the 10M figure (goal ≤ 1.2)`,
    );
    console.log(
      `  history page 1 ${big.first.toFixed(1)} ms = ${(big.first / at10M.first).toFixed(2)} ×, page 10 ${big.deep.toFixed(1)} ms = ${(big.deep / at10M.deep).toFixed(2)} × the 10M figures (goal ≤ 1.2)`,
    );
    console.log(
      `  disk: ${(sizeBefore.bytes / (sizeBefore.events / 1e6) / 1048576).toFixed(0)} MB per million events (event tables with indexes)`,
    );
    // What else ingest writes into per code, as the loader leaves it (lib/demo/bulk-events.ts): the pairing rows of the
    // codes' window (VIGIL_RETENTION_CODES_DAYS), the SMS codes' destinations, and the destination-prefix minutes and
    // hours of the hourly window (VIGIL_RETENTION_HOURLY_DAYS), with their size on disk.
    const [codes] = await queryRows<{
      pairings: string;
      destinations: string;
      minutes: string;
      minute_bytes: string;
      hours: string;
      hour_bytes: string;
    }>(
      db,
      sql`select (select count(*) from otp_codes) as pairings,
                 (select count(*) from otp_events where destination is not null) as destinations,
                 (select count(*) from otp_prefix_rollup_minute) as minutes,
                 pg_total_relation_size('otp_prefix_rollup_minute') as minute_bytes,
                 (select count(*) from otp_prefix_rollup_hourly) as hours,
                 pg_total_relation_size('otp_prefix_rollup_hourly') as hour_bytes`,
    );
    const mb = (bytes: string) => `${(Number(bytes) / 1048576).toFixed(0)} MB`;
    console.log(
      `  code pairings stored: ${Number(codes!.pairings).toLocaleString('en-US')}; codes with a destination: ${Number(codes!.destinations).toLocaleString('en-US')}; ` +
        `destination-prefix rows: ${Number(codes!.minutes).toLocaleString('en-US')} minutes (${mb(codes!.minute_bytes)}), ${Number(codes!.hours).toLocaleString('en-US')} hours (${mb(codes!.hour_bytes)})`,
    );

    // Retention while 2 clients keep ingesting: the batches' latencies before and during the drop.
    const background = generateEvents(400_000, 9);
    const during = postBatches(url, background, { key, concurrency: 2 });
    await new Promise((r) => setTimeout(r, 15_000));
    const started = performance.now();
    const { result: outcome, waits } = await longestLockWaits(db, () => runRetention(database, {}));
    const retentionMs = performance.now() - started;
    const finished = performance.now();
    const load = await during;
    const overlapped = load.spans.filter((b) => b.end > started && b.start < finished).map((b) => b.end - b.start);
    const outside = load.spans.filter((b) => b.end <= started || b.start >= finished).map((b) => b.end - b.start);
    const dropped = outcome.partitions.filter((p) => p.outcome === 'dropped');
    const sizeAfter = await eventBytes();
    console.log(
      `retention: dropped ${dropped.map((p) => `${p.name} (${(p.rows ?? 0).toLocaleString('en-US')} rows, counted in ${p.countMs} ms, ${p.lockMs} ms: detach ${p.detachMs} ms, drop ${p.dropMs} ms)`).join(', ') || 'nothing'}; ` +
        `${outcome.partitions.filter((p) => p.outcome === 'retry').length} left for retry; whole run ${(retentionMs / 1000).toFixed(1)} s`,
    );
    const parts = outcome.ms!;
    console.log(
      `  the run's parts: event months ${parts.partitions} ms; ledger ${parts.ledger} ms (${outcome.rows.ledger.toLocaleString('en-US')} rows), ` +
        `codes ${parts.codes} ms (${outcome.rows.codes.toLocaleString('en-US')}), rollups ${parts.hourly + parts.daily} ms, cases and outbox ${parts.cases + parts.outbox} ms, audit ${parts.audit} ms`,
    );
    console.log(
      `  ingest meanwhile (2 clients, ${load.seconds.toFixed(0)} s): batches during the run: ${overlapped.length}, p50 ${percentile(overlapped, 50).toFixed(0)} ms, slowest ${Math.max(...overlapped).toFixed(0)} ms; ` +
        `batches before and after it: p50 ${percentile(outside, 50).toFixed(0)} ms, slowest ${Math.max(...outside).toFixed(0)} ms (goal: no batch waits > 1 s for the drop)`,
    );
    console.log(
      `  lock waits of ingest sessions during the run: longest behind the retention run ${waits.behindRun.ms.toFixed(0)} ms${waits.behindRun.query ? ` (${waits.behindRun.query})` : ''} (goal ≤ 1 s); ` +
        `longest of any kind ${waits.any.ms.toFixed(0)} ms${waits.any.query ? ` (${waits.any.query})` : ''}`,
    );
    console.log(
      `  disk after: ${(sizeAfter.bytes / (sizeAfter.events / 1e6) / 1048576).toFixed(0)} MB per million events, ${(sizeAfter.events / 1e6).toFixed(1)}M events left`,
    );
  } finally {
    await small.dispose();
    await env.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
