/*
 * `npm run bench:backtest`: does a rule backtest (Detection rules → Preview) finish on 10 million stored events
 * within 60 s? Fills a scratch database on the DATABASE_URL server with BENCH_BACKTEST_EVENTS events (default
 * 10,000,000: 60 % logins, 40 % codes) of 100,000 accounts over the last 30 days, written straight with SQL
 * (indexes rebuilt after), then backtests an account rule on codes, an account rule on logins and the IP rule
 * over those 30 days, with lower thresholds than the defaults. The baseline, in the same run, is one pass of
 * PostgreSQL over the same rows (reading every event of the span, nothing sent to the client): the ratio says how
 * far the backtest is from the floor of reading the data once.
 */
import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { backtestRule } from '@/lib/detection/backtest';
import { defaultDetectionSettings } from '@/lib/detection/settings';
import { benchEnvironment } from './bench-database';

const events = Number(process.env.BENCH_BACKTEST_EVENTS ?? 10_000_000);
const accountCount = Math.max(100, Math.round(events / 100));
const logins = Math.round(events * 0.6);
const codes = events - logins;
const goalSeconds = 60;
const planted = 200;
const plantedIps = 20;

const seconds = (ms: number) => (ms / 1000).toFixed(1);

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  const value = await work();
  return [value, performance.now() - started];
}

/** The event tables' secondary indexes, dropped for the load and built again after (far faster than row by row). */
async function withoutIndexes(db: Db, load: () => Promise<void>) {
  const indexes = await queryRows<{ name: string; def: string }>(
    db,
    sql`select i.indexname as name, i.indexdef as def from pg_indexes i
         where i.schemaname = 'public' and i.tablename in ('login_events', 'otp_events')
           and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`,
  );
  for (const i of indexes) await db.execute(sql.raw(`drop index ${i.name}`));
  await load();
  for (const i of indexes) await db.execute(sql.raw(i.def));
  await db.execute(sql`analyze login_events`);
  await db.execute(sql`analyze otp_events`);
  await db.execute(sql`analyze accounts`);
}

async function fill(db: Db) {
  await db.execute(sql`
    insert into accounts (external_id, first_event_at)
    select 'bench_cus_' || n, now() - interval '60 days' from generate_series(1, ${accountCount}) n`);
  await db.execute(
    sql`create unlogged table bench_accounts as select id, row_number() over (order by id) - 1 as n from accounts`,
  );
  await db.execute(sql`create index on bench_accounts (n)`);
  await withoutIndexes(db, async () => {
    // Logins: one in ten failed; failures come from 50,000 addresses, a few of them busy enough to look like stuffing.
    await db.execute(sql`
      insert into login_events (event_id, account_id, occurred_at, outcome, failure_reason, ip, device_id, country)
      select 'bench_l_' || g, a.id, now() - (g % 2592000) * interval '1 second' - (g % 997) * interval '1 millisecond',
             case when g % 10 = 0 then 'failed' else 'succeeded' end,
             case when g % 10 = 0 then 'bad_password' end,
             ('10.' || (g / 10 % 50000) / 250 || '.' || (g / 10 % 50000) % 250 || '.1')::inet,
             'dev_' || (g % 3), case when g % 50 = 0 then 'FR' else 'GB' end
        from generate_series(0, ${logins - 1}) g join bench_accounts a on a.n = g % ${accountCount}`);
    // Codes: issued, then verified, or (one in ten) a wrong code.
    await db.execute(sql`
      insert into otp_events (event_id, account_id, occurred_at, otp_id, kind, channel, purpose, failure_reason, ip, device_id, country)
      select 'bench_o_' || g, a.id, now() - (g / 2 % 2592000) * interval '1 second' + (g % 2) * interval '20 seconds',
             'bench_otp_' || g / 2,
             case when g % 2 = 0 then 'issued' when g % 20 = 1 then 'failed' else 'verified' end,
             'sms', 'login',
             case when g % 20 = 1 then 'incorrect' end,
             '10.9.9.9'::inet, 'dev_0', 'GB'
        from generate_series(0, ${codes - 1}) g join bench_accounts a on a.n = (g / 2) % ${accountCount}`);
  });
  // Planted, so the rules have something to find: 200 guessers (6 wrong codes in 6 min), 200 password
  // guessers (12 failures in 12 min) and 20 stuffing addresses (30 accounts each in 3 min).
  await db.execute(sql`
    insert into otp_events (event_id, account_id, occurred_at, otp_id, kind, channel, purpose, failure_reason)
    select 'bench_po_' || a.n || '_' || k, a.id, now() - (a.n % 29 + 1) * interval '1 day' + k * interval '1 minute',
           'bench_potp_' || a.n || '_' || k, 'failed', 'sms', 'login', 'incorrect'
      from bench_accounts a cross join generate_series(1, 6) k where a.n < ${planted}`);
  await db.execute(sql`
    insert into login_events (event_id, account_id, occurred_at, outcome, failure_reason, ip, device_id, country)
    select 'bench_pl_' || a.n || '_' || k, a.id, now() - (a.n % 29 + 1) * interval '1 day' + k * interval '1 minute',
           'failed', 'bad_password', '192.0.2.1'::inet, 'dev_x', 'GB'
      from bench_accounts a cross join generate_series(1, 12) k where a.n >= ${planted} and a.n < ${2 * planted}`);
  await db.execute(sql`
    insert into login_events (event_id, account_id, occurred_at, outcome, failure_reason, ip, device_id, country)
    select 'bench_ps_' || s || '_' || a.n, a.id, now() - (s + 1) * interval '1 day' + (a.n % 30) * interval '6 seconds',
           'failed', 'bad_password', ('198.18.0.' || s)::inet, 'dev_s', 'GB'
      from generate_series(1, ${plantedIps}) s join bench_accounts a on a.n >= 1000 + s * 30 and a.n < 1000 + s * 30 + 30`);
  await db.execute(sql`drop table bench_accounts`);
}

async function main() {
  const env = await benchEnvironment('backtest', 0);
  const db = env.database.db;
  try {
    console.log(
      `Filling ${events.toLocaleString('en-US')} events (${accountCount.toLocaleString('en-US')} accounts, 30 days)…`,
    );
    const [, fillMs] = await timed(() => fill(db));
    console.log(`  filled in ${seconds(fillMs)} s`);

    const [, baselineMs] = await timed(() =>
      queryRows(
        db,
        sql`select (select count(*) from login_events where occurred_at >= now() - interval '30 days' and event_id <> '')
                 + (select count(*) from otp_events where occurred_at >= now() - interval '30 days' and event_id <> '') as n`,
      ),
    );
    console.log(`baseline: one pass of PostgreSQL over the span's events: ${seconds(baselineMs)} s`);

    const cases = [
      { rule: 'otp_guessing', settings: { ...defaultDetectionSettings.otp_guessing, minFailures: 3 }, planted },
      {
        rule: 'password_bruteforce',
        settings: { ...defaultDetectionSettings.password_bruteforce, minFailures: 8 },
        planted,
      },
      {
        rule: 'credential_stuffing',
        settings: { ...defaultDetectionSettings.credential_stuffing, minAccounts: 10 },
        planted: plantedIps,
      },
    ] as const;
    let worst = 0;
    for (const c of cases) {
      const [result, ms] = await timed(() => backtestRule(db, { rule: c.rule, settings: c.settings, days: 30 }));
      worst = Math.max(worst, ms);
      console.log(
        `${c.rule}: ${seconds(ms)} s over ${result.subjects.toLocaleString('en-US')} subjects, would raise ${result.wouldRaise.toLocaleString('en-US')} (planted ${c.planted}) (ratio to baseline ${(ms / baselineMs).toFixed(1)}×)`,
      );
    }
    const verdict = worst <= goalSeconds * 1000 ? 'meets' : 'MISSES';
    console.log(
      `backtest on ${events.toLocaleString('en-US')} events: slowest rule ${seconds(worst)} s (goal ≤ ${goalSeconds} s: ${verdict}); ratio to baseline ${(worst / baselineMs).toFixed(1)}×`,
    );
  } finally {
    await env.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
