/*
 * `npm run bench:partitions` (PostgreSQL server, DATABASE_URL): the two measurements behind the event tables'
 * partitioning (docs/data-lifecycle.md).
 *
 * 1. The interval. The same N login events over 180 days (default 3,000,000, BENCH_EVENTS) in three partitioned copies
 *    of login_events: one partition per month (7, as db/partitions.ts makes them), per part of a month (25: from the
 *    1st, 8th, 15th and 22nd, the layout session 26 tried and reverted) and per day (185). Measured on each: an account's first history page (the account
 *    page's query: its newest 50 rows, no time bound, so every partition is visited), the same with a 7-day bound, and
 *    a 10,000-row insert. Printed as each figure over the monthly one.
 * 2. Migration 0033's in-place conversion: a database at migration 0032 with the N events unpartitioned, then 0033;
 *    printed as seconds per million rows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { drizzle } from 'drizzle-orm/postgres-js';
import { migrate } from 'drizzle-orm/postgres-js/migrator';

const events = Number(process.env.BENCH_EVENTS ?? 3_000_000);
const accounts = 50_000;
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.error('bench:partitions needs a PostgreSQL server: set DATABASE_URL.');
  process.exit(1);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const withDb = (name: string) => {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
};

async function freshDatabase(name: string) {
  const admin = postgres(serverUrl!, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const pg = postgres(withDb(name), { max: 1, onnotice: () => undefined });
  await pg.unsafe('create extension if not exists pg_trgm');
  return pg;
}

/** N login events over the 180 days before 2026-11-01 for `accounts` accounts (uuid from the account number). */
const fill = (
  table: string,
) => `insert into ${table} (event_id, account_id, occurred_at, outcome, ip, device_id, country)
  select 'e' || g, md5('acct' || (g % ${accounts}))::uuid,
    timestamptz '2026-11-01T00:00:00Z' - (g::double precision / ${events}) * interval '180 days',
    case when g % 17 = 0 then 'failed' else 'succeeded' end, '198.51.100.7', 'dev_' || (g % 5), 'GB'
  from generate_series(1, ${events}) g`;

async function timeQueries(pg: postgres.Sql, table: string) {
  const page: number[] = [];
  const bounded: number[] = [];
  for (let i = 0; i < 300; i++) {
    const account = `md5('acct${(i * 7919) % accounts}')::uuid`;
    let t = performance.now();
    await pg.unsafe(`select * from ${table} where account_id = ${account} order by occurred_at desc, id desc limit 50`);
    page.push(performance.now() - t);
    t = performance.now();
    await pg.unsafe(
      `select * from ${table} where account_id = ${account} and occurred_at >= timestamptz '2026-10-25T00:00:00Z' order by occurred_at desc, id desc limit 50`,
    );
    bounded.push(performance.now() - t);
  }
  const inserts: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t = performance.now();
    await pg.unsafe(`insert into ${table} (event_id, account_id, occurred_at, outcome)
      select 'n${i}_' || g, md5('acct' || (g % ${accounts}))::uuid, timestamptz '2026-10-31T00:00:00Z' + g * interval '1 second', 'succeeded'
      from generate_series(1, 10000) g`);
    inserts.push(performance.now() - t);
  }
  return { page: median(page), bounded: median(bounded), insert: median(inserts) };
}

async function intervalComparison() {
  const pg = await freshDatabase('vigil_bench_interval');
  const columns = `(tx xid8 not null default pg_current_xact_id(), id bigint generated always as identity, event_id text not null,
    account_id uuid not null, occurred_at timestamptz not null, received_at timestamptz not null default now(), outcome text not null,
    method text, failure_reason text, ip inet, user_agent text, device_id text, country text, primary key (occurred_at, id))`;
  const results: Record<string, { page: number; bounded: number; insert: number; partitions: number }> = {};
  for (const interval of ['month', 'part', 'day'] as const) {
    const table = `by_${interval}`;
    await pg.unsafe(`create table ${table} ${columns} partition by range (occurred_at)`);
    let n = 0;
    const after = (m: Date) => {
      if (interval === 'day') return new Date(m.getTime() + 86_400_000);
      if (interval === 'month') return new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1));
      // Parts of a month: the 1st, 8th, 15th and 22nd to the month's end.
      const day = m.getUTCDate();
      return day === 22
        ? new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth() + 1, 1))
        : new Date(Date.UTC(m.getUTCFullYear(), m.getUTCMonth(), day + 7));
    };
    for (let m = new Date('2026-05-01T00:00:00Z'); m < new Date('2026-11-02T00:00:00Z'); m = after(m)) {
      await pg.unsafe(
        `create table ${table}_${n++} partition of ${table} for values from ('${m.toISOString()}') to ('${after(m).toISOString()}')`,
      );
    }
    const t = performance.now();
    await pg.unsafe(fill(table));
    await pg.unsafe(`create index on ${table} (account_id, occurred_at desc, id desc)`);
    await pg.unsafe(`vacuum analyze ${table}`);
    console.log(`  ${table}: ${n} partitions, filled and indexed in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    results[interval] = { ...(await timeQueries(pg, table)), partitions: n };
  }
  await pg.end();
  const m = results.month!;
  console.log(
    `interval (${events.toLocaleString('en')} events over 180 days, ${accounts.toLocaleString('en')} accounts), each against monthly:`,
  );
  for (const interval of ['part', 'day'] as const) {
    const r = results[interval]!;
    console.log(
      `  ${interval === 'part' ? 'month parts (1st, 8th, 15th, 22nd)' : 'daily'}, ${r.partitions} partitions:`,
    );
    console.log(
      `    account first history page (no time bound): monthly ${m.page.toFixed(2)} ms, ${r.page.toFixed(2)} ms — ${(r.page / m.page).toFixed(2)}×`,
    );
    console.log(
      `    account page, last 7 days:                  monthly ${m.bounded.toFixed(2)} ms, ${r.bounded.toFixed(2)} ms — ${(r.bounded / m.bounded).toFixed(2)}×`,
    );
    console.log(
      `    10,000-row insert:                          monthly ${m.insert.toFixed(1)} ms, ${r.insert.toFixed(1)} ms — ${(r.insert / m.insert).toFixed(2)}×`,
    );
  }
}

async function migrationTime() {
  const pg = await freshDatabase('vigil_bench_migration');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-bench-mig-'));
  fs.cpSync(path.join(process.cwd(), 'db', 'migrations'), dir, { recursive: true });
  const journalPath = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((e) => e.idx <= 32);
  fs.writeFileSync(journalPath, JSON.stringify(journal));
  await migrate(drizzle(pg), { migrationsFolder: dir });
  await pg.unsafe(fill('login_events'));
  await pg.unsafe('vacuum analyze login_events');
  const t = performance.now();
  await migrate(drizzle(pg), { migrationsFolder: path.join(process.cwd(), 'db', 'migrations') });
  const seconds = (performance.now() - t) / 1000;
  const [{ n }] = (await pg.unsafe('select count(*)::int as n from login_events')) as unknown as [{ n: number }];
  await pg.end();
  const admin = postgres(serverUrl!, { max: 1, onnotice: () => undefined });
  await admin.unsafe('drop database if exists vigil_bench_migration with (force)');
  await admin.unsafe('drop database if exists vigil_bench_interval with (force)');
  await admin.end();
  console.log(
    `migration 0033 in place: ${n.toLocaleString('en')} login events (7 indexes) converted in ${seconds.toFixed(1)} s = ${(seconds / (n / 1e6)).toFixed(1)} s per million rows`,
  );
}

await intervalComparison();
await migrationTime();
