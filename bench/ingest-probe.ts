/*
 * `npm run bench:ingest-probe -- --database NAME` (needs DATABASE_URL, a PostgreSQL server): where does an ingest run's
 * time go on a given store? Starts a production server on database NAME of the DATABASE_URL server (migrated if
 * new; created if missing), posts 100,000-event runs through the API (4 clients, 1000-event batches), alternately
 * with the generator's sequential event ids and with random UUIDv4 ids (as many platforms send), and prints per run:
 * the rate, the WAL it wrote and its full-page images (pg_stat_wal), and the tables and indexes whose blocks it read
 * from outside shared_buffers and whose tuples it read most (pg_statio / pg_stat deltas, all databases' writers
 * included, so run it on a quiet server), the CPU seconds of the Vigil server's processes and of PostgreSQL's, what the server's
 * database sessions were doing (sampled: running, waiting on a lock, a read or the WAL, idle inside a transaction), and, where
 * the server preloads pg_stat_statements, the statements that took the most time inside PostgreSQL with their calls,
 * blocks read from outside shared_buffers and full-page images. Used on a store kept from `bench:scale` and on an
 * empty one, in one session, to compare the two (docs/data-lifecycle.md, "At 50 million").
 *
 *   npm run bench:ingest-probe -- --database vigil_scale50 [--rounds 2] [--port 3494]
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import postgres from 'postgres';
import { migrateDatabase, openPostgres } from '@/db/client';
import { createApiKey } from '@/lib/api-keys/create-api-key';
import { serviceContext } from '@/lib/context';
import { systemActor } from '@/lib/testing/fixtures';
import { serverOnDatabase } from './bench-database';
import { fmtRate, generateEvents, postBatches } from './ingest-load';

const flag = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const name = flag('database');
const rounds = Number(flag('rounds') ?? 2);
const port = Number(flag('port') ?? 3494);

type Counters = Map<string, { blocksRead: number; tuples: number }>;

const sampleEveryMs = 20;
/**
 * What the server's database sessions are doing, sampled from pg_stat_activity until stopped: running (CPU), waiting
 * (its wait event: a lock, a page read, the WAL), or idle inside a transaction (the server working between statements
 * while the transaction's locks are held). Counts of session-samples by state.
 */
function sampleSessions(pg: postgres.Sql) {
  let running = true;
  const counts = new Map<string, number>();
  const done = (async () => {
    while (running) {
      const rows = await pg<{ what: string; n: number }[]>`
        select case when state = 'active' then coalesce(wait_event_type || ':' || wait_event, 'running')
                    else state end as what, count(*)::int as n
          from pg_stat_activity
         where datname = current_database() and application_name = 'vigil' and state <> 'idle'
         group by 1`;
      for (const r of rows) counts.set(r.what, (counts.get(r.what) ?? 0) + r.n);
      await new Promise((res) => setTimeout(res, sampleEveryMs));
    }
    return counts;
  })();
  return {
    stop: () => {
      running = false;
    },
    done,
  };
}

const clockTicks = 100; // USER_HZ on Linux
/** CPU seconds (user + system) of the processes a test picks, from /proc: the server's process group, or PostgreSQL's. */
function cpuSeconds(pick: (stat: { comm: string; pgid: number }) => boolean) {
  let ticks = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    let raw: string;
    try {
      raw = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone since the listing
    }
    const close = raw.lastIndexOf(')');
    const comm = raw.slice(raw.indexOf('(') + 1, close);
    const fields = raw.slice(close + 2).split(' '); // fields[0] is the state (field 3 of proc(5))
    if (pick({ comm, pgid: Number(fields[2]) })) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks / clockTicks;
}

async function main() {
  if (!process.env.DATABASE_URL || !name || !/^\w+$/.test(name))
    throw new Error('usage: DATABASE_URL=postgres://… npm run bench:ingest-probe -- --database NAME');
  const admin = postgres(process.env.DATABASE_URL, { max: 1, onnotice: () => undefined });
  if ((await admin`select 1 from pg_database where datname = ${name}`).length === 0)
    await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString());
  await migrateDatabase(database);
  const pg = postgres(url.toString(), { max: 1, onnotice: () => undefined });
  const sampler = postgres(url.toString(), { max: 1, onnotice: () => undefined });
  const statements = await pg
    .unsafe('create extension if not exists pg_stat_statements')
    .then(() => pg`select 1 from pg_stat_statements limit 1`)
    .then(
      () => true,
      (error: unknown) => {
        console.log(`(no statement times: ${(error as Error).message})`);
        return false;
      },
    );
  const { key } = await createApiKey(serviceContext(database.db, systemActor), {
    name: `ingest-probe ${new Date().toISOString()}`,
    scopes: ['events:write'],
  });
  const server = await serverOnDatabase(url.toString(), port, `ingest-probe-${name}`);
  try {
    const counters = async (): Promise<Counters> =>
      new Map(
        (
          await pg<{ name: string; blocks_read: string; tuples: string }[]>`
            select s.indexrelname as name, s.idx_blks_read::text as blocks_read, i.idx_tup_read::text as tuples
              from pg_statio_user_indexes s join pg_stat_user_indexes i using (indexrelid)
            union all
            select 'table ' || s.relname, s.heap_blks_read::text, t.seq_tup_read::text
              from pg_statio_user_tables s join pg_stat_user_tables t using (relid)`
        ).map((r) => [r.name, { blocksRead: Number(r.blocks_read), tuples: Number(r.tuples) }]),
      );
    const wal = async () =>
      (
        await pg<
          { bytes: string; fpi: string }[]
        >`select wal_bytes::text as bytes, wal_fpi::text as fpi from pg_stat_wal`
      )[0]!;
    const ingestUrl = `http://localhost:${port}/api/v1/events`;
    const seed0 = 1000 + (Date.now() % 100_000) * 10; // new ids and accounts each time the probe runs
    const run = async (label: string, seed: number, uuidIds: boolean) => {
      const events = generateEvents(100_000, seed);
      if (uuidIds) for (const e of events) e.id = randomUUID();
      const [c0, w0] = [await counters(), await wal()];
      if (statements) await pg`select pg_stat_statements_reset()`;
      const serverCpu = () => cpuSeconds((p) => p.pgid === server.pid);
      const postgresCpu = () => cpuSeconds((p) => p.comm === 'postgres');
      const [s0, p0] = [serverCpu(), postgresCpu()];
      const sampling = sampleSessions(sampler);
      const r = await postBatches(ingestUrl, events, { key, concurrency: 4 }).finally(() => sampling.stop());
      const [s1, p1] = [serverCpu(), postgresCpu()];
      const samples = await sampling.done;
      await new Promise((res) => setTimeout(res, 500)); // the statistics collector's flush
      const [c1, w1] = [await counters(), await wal()];
      const delta = [...c1].map(([n, v]) => ({
        n,
        blocksRead: v.blocksRead - (c0.get(n)?.blocksRead ?? 0),
        tuples: v.tuples - (c0.get(n)?.tuples ?? 0),
      }));
      const top = (by: 'blocksRead' | 'tuples') =>
        [...delta]
          .sort((a, b) => b[by] - a[by])
          .slice(0, 5)
          .map((d) => `${d.n} ${d[by].toLocaleString('en-US')}`)
          .join(', ');
      console.log(
        `${label}: ${fmtRate(r.rate)} events/s, batch p50 ${r.p50.toFixed(0)} ms; WAL ${((Number(w1.bytes) - Number(w0.bytes)) / 1e6).toFixed(0)} MB, ` +
          `${(Number(w1.fpi) - Number(w0.fpi)).toLocaleString('en-US')} full-page images`,
      );
      console.log(`  blocks read from outside shared_buffers: ${top('blocksRead')}`);
      console.log(`  tuples read (index scans; seq scans for tables): ${top('tuples')}`);
      console.log(
        `  CPU during the run: Vigil server ${(s1 - s0).toFixed(1)} s, PostgreSQL ${(p1 - p0).toFixed(1)} s, over ${r.seconds.toFixed(1)} s`,
      );
      const sampled = [...samples].sort((a, b) => b[1] - a[1]);
      const total = sampled.reduce((sum, [, n]) => sum + n, 0);
      console.log(
        `  the server's sessions, sampled every ${sampleEveryMs} ms (share of session-samples): ` +
          sampled
            .slice(0, 8)
            .map(([what, n]) => `${what} ${((100 * n) / total).toFixed(0)}%`)
            .join(', '),
      );
      if (statements) {
        const slowest = await pg<
          { calls: string; ms: number; read: string; fpi: string; query: string }[]
        >`select calls::text, total_exec_time as ms, shared_blks_read::text as read, wal_fpi::text as fpi,
                 regexp_replace(query, '\\s+', ' ', 'g') as query
            from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
           order by total_exec_time desc limit 8`;
        console.log('  statements by time inside PostgreSQL:');
        for (const q of slowest)
          console.log(
            `    ${(q.ms / 1000).toFixed(1)} s, ${q.calls} calls, ${Number(q.read).toLocaleString('en-US')} blocks read, ${Number(q.fpi).toLocaleString('en-US')} page images: ${q.query.slice(0, 140)}`,
          );
      }
    };
    await run('warm-up', seed0, false);
    for (let i = 0; i < rounds; i++) {
      await run(`sequential ids #${i + 1}`, seed0 + 1 + 2 * i, false);
      await run(`uuid ids #${i + 1}`, seed0 + 2 + 2 * i, true);
    }
  } finally {
    if (server.pid) process.kill(-server.pid, 'SIGTERM');
    await pg.end();
    await sampler.end();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
