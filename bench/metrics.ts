/*
 * `npm run bench:metrics` (needs DATABASE_URL, a PostgreSQL server): loads 10 million OTP events and
 * 5 million login events over 180 days with the seed's bulk path, then times, in the same run:
 *   - the 90-day daily chart request through the HTTP API of a production build (p50/p95 over 25 requests),
 *   - the same aggregate computed from the raw event table (p50 over 3 runs),
 *   - the bare rollup SQL sent from Node over the same driver (p50/p95 over 25 runs).
 * Goals: API ≤ 1/100 of the raw aggregate, and ≤ 3 × the bare rollup query. It prints the rollup rows the chart
 * reads before and after compaction (lib/ingest/compact-rollups.ts) and times the compacted store.
 *
 *   npm run bench:metrics -- [--otp-events 10000000] [--login-events 5000000]
 */
import { sql } from 'drizzle-orm';
import { queryRows } from '@/db/client';
import { bulkSeedEvents } from '@/lib/demo/bulk-events';
import { systemActor } from '@/lib/testing/fixtures';
import { serviceContext } from '@/lib/context';
import { loginRollupSql } from '@/lib/metrics/login-metrics';
import { otpRollupSql } from '@/lib/metrics/otp-metrics';
import { createApiKey } from '@/lib/api-keys/create-api-key';
import { compactRollups } from '@/lib/ingest/compact-rollups';
import { benchEnvironment, percentile } from './bench-database';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const otpEvents = arg('otp-events', 10_000_000);
const loginEvents = arg('login-events', 5_000_000);
const port = arg('port', 3491);
const dayMs = 86_400_000;

async function time(runs: number, work: () => Promise<unknown>) {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await work();
    out.push(performance.now() - t);
  }
  return { p50: percentile(out, 50), p95: percentile(out, 95) };
}

async function main() {
  const env = await benchEnvironment('bench_metrics', port);
  const database = env.database;
  try {
    const end = new Date(Math.floor(Date.now() / dayMs) * dayMs);
    console.log(
      `loading ${otpEvents.toLocaleString('en-US')} OTP and ${loginEvents.toLocaleString('en-US')} login events over 180 days (bulk path)…`,
    );
    await bulkSeedEvents(database, { kind: 'otp', events: otpEvents, accounts: 200_000, days: 180, seed: 11, end });
    await bulkSeedEvents(database, { kind: 'login', events: loginEvents, accounts: 200_000, days: 180, seed: 11, end });
    // Settle the fresh tables first, so autovacuum does not start on 15 million new rows mid-measurement.
    await database.db.execute(sql`vacuum analyze otp_events`);
    await database.db.execute(sql`vacuum analyze login_events`);
    await database.db.execute(sql`vacuum analyze otp_rollup_daily`);
    await database.db.execute(sql`vacuum analyze login_rollup_daily`);
    await database.db.execute(sql`vacuum analyze otp_rollup_daily_all`);
    await database.db.execute(sql`vacuum analyze login_rollup_daily_all`);
    // The rollup rows a 90-day day chart reads, before and after compaction merges closed days' shard rows.
    const rowsRead = async () => {
      const [r] = await queryRows<{ otp: number; logins: number }>(
        database.db,
        sql`select (select count(*)::int from otp_rollup_daily_all where day >= ${new Date(end.getTime() - 90 * dayMs).toISOString()}::timestamptz and day < ${end.toISOString()}::timestamptz) as otp,
                   (select count(*)::int from login_rollup_daily_all where day >= ${new Date(end.getTime() - 90 * dayMs).toISOString()}::timestamptz and day < ${end.toISOString()}::timestamptz) as logins`,
      );
      return r!;
    };
    const uncompacted = await rowsRead();
    const compaction = await compactRollups(database.db);
    const compacted = await rowsRead();
    console.log(
      `rollup rows read by the 90-day day chart: otp ${uncompacted.otp.toLocaleString('en-US')} → ${compacted.otp.toLocaleString('en-US')}, logins ${uncompacted.logins.toLocaleString('en-US')} → ${compacted.logins.toLocaleString('en-US')} after compaction (${compaction.periods} periods merged)`,
    );
    await database.db.execute(sql`vacuum analyze otp_rollup_daily_all`);
    await database.db.execute(sql`vacuum analyze login_rollup_daily_all`);
    await env.startServer();
    const { key } = await createApiKey(serviceContext(database.db, systemActor), {
      name: 'bench',
      scopes: ['metrics:read'],
    });
    const from = new Date(end.getTime() - 90 * dayMs);
    const range = { from: from.toISOString(), to: end.toISOString(), granularity: 'day' };

    for (const kind of ['otp', 'logins'] as const) {
      const groupBy = kind === 'otp' ? 'channel' : 'reason';
      const qs = new URLSearchParams({ ...range, groupBy }).toString();
      const request = async () => {
        const res = await fetch(`http://localhost:${port}/api/v1/metrics/${kind}?${qs}`, {
          headers: { authorization: `Bearer ${key}` },
        });
        if (res.status !== 200) throw new Error(`metrics answered ${res.status}`);
        return (await res.json()) as unknown;
      };
      for (let i = 0; i < 20; i++) await request(); // warm-up: the server's JIT and connection pool reach their steady state
      const api = await time(25, request);
      const q = { from, to: end, granularity: 'day' as const, groupBy } as never;
      const bareSql = kind === 'otp' ? otpRollupSql(q) : loginRollupSql(q);
      for (let i = 0; i < 5; i++) await queryRows(database.db, bareSql); // warm-up
      const bare = await time(25, () => queryRows(database.db, bareSql));
      const rawSql =
        kind === 'otp'
          ? sql`select date_trunc('day', occurred_at, 'UTC') as bucket, channel as key, kind, coalesce(failure_reason, '') as reason, count(*) from otp_events
                where occurred_at >= ${from.toISOString()}::timestamptz and occurred_at < ${end.toISOString()}::timestamptz group by 1, 2, 3, 4`
          : sql`select date_trunc('day', occurred_at, 'UTC') as bucket, coalesce(failure_reason, 'none') as key, outcome, count(*) from login_events
                where occurred_at >= ${from.toISOString()}::timestamptz and occurred_at < ${end.toISOString()}::timestamptz group by 1, 2, 3`;
      const raw = await time(3, () => queryRows(database.db, rawSql));
      console.log(
        `${kind} 90-day daily chart: API p50 ${api.p50.toFixed(1)} ms / p95 ${api.p95.toFixed(1)} ms; bare rollup SQL p50 ${bare.p50.toFixed(1)} ms / p95 ${bare.p95.toFixed(1)} ms; raw aggregate p50 ${raw.p50.toFixed(0)} ms. ` +
          `API/raw = ${(api.p50 / raw.p50).toFixed(4)} (goal ≤ 0.01); API/bare = ${(api.p50 / bare.p50).toFixed(2)} (goal ≤ 3)`,
      );
    }
  } finally {
    await env.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
