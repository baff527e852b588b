import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateDatabase, openPglite, queryRows, type Database, type Db } from '@/db/client';
import { partitionName } from '@/db/partitions';
import { setupTestDatabase } from '@/db/testing/test-database';
import { serviceContext } from '@/lib/context';
import { resetEnvForTests } from '@/lib/env';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { detectionIdle } from '@/lib/detection/queue';
import { loginEvent, otpEvent, systemActor, uniqueSuffix } from '@/lib/testing/fixtures';
import {
  ensureAhead,
  ensureMonths,
  ensureMonthsInTransaction,
  forgetKnownPartitions,
  listPartitions,
  monthsOf,
} from './partitions';
import { LAST_RUN_KEY, retentionArmed, retentionOverview, retentionRun } from './retention';
import { lifecyclePass } from './loop';
import { auditRetention } from './audit-retention';
import { describeOutcome } from './describe';
import { retentionCutoff } from './config';
import { setDatabaseForTests } from '@/lib/database';
import { readStream } from '@/lib/streams/read-stream';
import { heldReasons, releaseLegalHold, setLegalHold } from '@/lib/accounts/legal-hold';

const { db, database } = setupTestDatabase();
const ctx = () => serviceContext(db(), systemActor);
const day = 86_400_000;

/** Sets retention windows for one test (vitest.config.ts keeps raw events 100 years by default). */
function windows(values: Record<string, string>) {
  Object.assign(process.env, values);
  resetEnvForTests();
}
afterEach(() => {
  // Back to vitest.config.ts's windows, and the defaults for the rest (a test's windows never leak into the next).
  for (const name of ['VIGIL_RETENTION_CASES_DAYS', 'VIGIL_RETENTION_OUTBOX_DAYS', 'VIGIL_RETENTION_AUDIT_DAYS'])
    delete process.env[name];
  windows({
    VIGIL_RETENTION_EVENTS_DAYS: '36500',
    VIGIL_RETENTION_CODES_DAYS: '36500',
    VIGIL_RETENTION_HOURLY_DAYS: '36500',
    VIGIL_RETENTION_DAILY_DAYS: '36500',
  });
});

const count = async (d: Db, query: string) =>
  Number((await queryRows<{ n: string | number }>(d, sql.raw(query)))[0]!.n);

const partitionExists = async (d: Db, name: string) =>
  (await count(d, `select count(*) as n from pg_class where relname = '${name}'`)) === 1;

describe('partitioned event tables', () => {
  it('stores late events for months without a partition, from concurrent batches, with no default partition', async () => {
    const account = `cus_late_${uniqueSuffix()}`;
    // Eight batches at once into three months nobody made partitions for (one of them twelve years back).
    const months = [
      Date.parse('2014-02-10T10:00:00Z'),
      Date.parse('2019-07-31T23:59:00Z'),
      Date.parse('2019-08-01T00:00:00Z'),
    ];
    expect(await partitionExists(db(), 'login_events_p2014_02')).toBe(false);
    const batches = Array.from({ length: 8 }, (_, i) =>
      months.map((t, j) => loginEvent(account, new Date(t + i * 1000 + j), { id: `late_${account}_${i}_${j}` })),
    );
    const results = await Promise.all(batches.map((b) => ingestBatch(db(), b)));
    expect(results.map((r) => r.accepted)).toEqual(Array(8).fill(3));
    for (const name of [
      'login_events_p2014_02',
      'login_events_p2019_07',
      'login_events_p2019_08',
      'otp_events_p2019_08',
    ])
      expect(await partitionExists(db(), name)).toBe(true);
    expect(await count(db(), `select count(*) as n from login_events_p2019_07`)).toBe(8);
    expect(await count(db(), `select count(*) as n from login_events where event_id like 'late_${account}_%'`)).toBe(
      24,
    );
    // No catch-all: a default partition would block attaching months later.
    expect(
      await count(
        db(),
        `select count(*) as n from pg_inherits i join pg_class c on c.oid = i.inhrelid where pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT' and i.inhparent::regclass::text in ('login_events', 'otp_events', 'account_events')`,
      ),
    ).toBe(0);
    await detectionIdle();
  });

  it('a partition dropped behind this server’s back is made again and the batch stored, not a 500', async () => {
    const at = new Date('2016-05-05T05:00:00Z');
    await ingestBatch(db(), [loginEvent(`cus_${uniqueSuffix()}`, at)]);
    await db().execute(sql.raw(`drop table ${partitionName('login_events', at)}`));
    // This process still believes the month exists; the insert finds it missing, the batch is retried once.
    const again = await ingestBatch(db(), [loginEvent(`cus_${uniqueSuffix()}`, at)]);
    expect(again.accepted).toBe(1);
    expect(await partitionExists(db(), partitionName('login_events', at))).toBe(true);
    await detectionIdle();
  });

  it('a transaction storing directly into months that exist takes no partition lock: others make theirs meanwhile', async (t) => {
    // Two connections at once; the embedded engine runs one transaction at a time, so it runs on the server only (CI).
    if (database().kind !== 'postgres') return t.skip();
    const at = new Date('2034-02-03T00:00:00Z');
    await ensureMonths(db(), monthsOf([at]));
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let ensured = () => undefined as void;
    const isEnsured = new Promise<void>((resolve) => (ensured = resolve));
    const open = db().transaction(async (tx) => {
      await ensureMonthsInTransaction(tx, monthsOf([at]));
      ensured();
      await held;
    });
    try {
      await isEnsured;
      // Another month, made by another connection while that transaction is open (it would wait, then fail).
      expect(await ensureMonths(db(), monthsOf([new Date('2034-03-10T00:00:00Z')]), 500)).toContain(
        'login_events_p2034_03',
      );
    } finally {
      release();
      await open;
    }
  });

  it('makes partitions at least 7 days ahead: on the 28th of a month, next month’s too', async () => {
    const made = await ensureAhead(db(), new Date('2031-01-28T12:00:00Z'));
    expect(made).toEqual(
      expect.arrayContaining([
        'login_events_p2031_01',
        'login_events_p2031_02',
        'otp_events_p2031_02',
        'account_events_p2031_02',
      ]),
    );
    expect(await ensureAhead(db(), new Date('2031-01-28T12:00:00Z'))).toEqual([]);
    // Mid-month, seven days ahead is the same month: nothing further.
    forgetKnownPartitions(db());
    expect(await ensureAhead(db(), new Date('2031-01-10T12:00:00Z'))).toEqual([]);
  });
});

describe('retention', () => {
  it('counts events older than the raw-event window as expired and stores the rest of the batch', async () => {
    windows({ VIGIL_RETENTION_EVENTS_DAYS: '30' });
    const account = `cus_exp_${uniqueSuffix()}`;
    const old = loginEvent(account, new Date(Date.now() - 31 * day));
    const fresh = loginEvent(account, new Date(Date.now() - 29 * day));
    const result = await ingestBatch(db(), [old, fresh]);
    expect(result).toMatchObject({ accepted: 1, duplicates: 0, expired: 1 });
    expect(await count(db(), `select count(*) as n from login_events where event_id = '${old.id}'`)).toBe(0);
    expect(await count(db(), `select count(*) as n from seen_events where event_id = '${old.id}'`)).toBe(0);
    expect(await count(db(), `select count(*) as n from login_events where event_id = '${fresh.id}'`)).toBe(1);
    // The same batch again: the kept one is a duplicate, the old one still expired.
    expect(await ingestBatch(db(), [old, fresh])).toMatchObject({ accepted: 0, duplicates: 1, expired: 1 });
    await detectionIdle();
  });

  it('a dry run says what would go and changes nothing; a run drops whole past months and deletes the rest in batches', async () => {
    const account = `cus_ret_${uniqueSuffix()}`;
    const now = new Date('2030-06-15T12:00:00Z');
    // Events in March, April and June 2030; the ledger rows arrive at those times too.
    for (const at of ['2030-03-10T10:00:00Z', '2030-04-20T10:00:00Z', '2030-06-14T10:00:00Z']) {
      await ingestBatch(
        db(),
        [loginEvent(account, new Date(at)), loginEvent(account, new Date(Date.parse(at) + 1000))],
        new Date(at),
      );
    }
    await detectionIdle();
    // Keep 60 days of raw events (from 2030-04-16): March is wholly past, April is not; hourly rollups 30 days.
    windows({
      VIGIL_RETENTION_EVENTS_DAYS: '60',
      VIGIL_RETENTION_HOURLY_DAYS: '30',
      VIGIL_RETENTION_DAILY_DAYS: '730',
    });
    const before = {
      march: await count(db(), `select count(*) as n from login_events_p2030_03`),
      ledger: await count(db(), `select count(*) as n from seen_events where received_at < '2030-04-16T12:00:00Z'`),
      hourly: await count(db(), `select count(*) as n from login_rollup_hourly where hour < '2030-05-16T12:00:00Z'`),
      daily: await count(
        db(),
        `select count(*) as n from login_rollup_daily where day >= '2030-01-01' and day < '2030-05-16T12:00:00Z'`,
      ),
    };
    expect(before.march).toBe(2);
    expect(before.ledger).toBeGreaterThanOrEqual(2);
    expect(before.hourly).toBeGreaterThanOrEqual(2);

    const dry = await retentionRun(ctx(), database(), { dryRun: true, now });
    const march = dry.partitions.filter((p) => p.from.startsWith('2030-03'));
    expect(march.map((p) => [p.name, p.outcome])).toEqual([
      ['account_events_p2030_03', 'due'],
      ['login_events_p2030_03', 'due'],
      ['otp_events_p2030_03', 'due'],
    ]);
    expect(march.find((p) => p.table === 'login_events')!.rows).toBe(2);
    expect(dry.partitions.some((p) => p.from.startsWith('2030-04'))).toBe(false);
    expect(dry.rows.ledger).toBeGreaterThanOrEqual(before.ledger);
    expect(dry.rows.hourly).toBeGreaterThanOrEqual(before.hourly);
    expect(await partitionExists(db(), 'login_events_p2030_03')).toBe(true);
    expect(await count(db(), `select count(*) as n from seen_events where received_at < '2030-04-16T12:00:00Z'`)).toBe(
      before.ledger,
    );

    const run = await retentionRun(ctx(), database(), { now });
    expect(run.partitions.filter((p) => p.from.startsWith('2030-03')).map((p) => p.outcome)).toEqual([
      'dropped',
      'dropped',
      'dropped',
    ]);
    // The detach's and the drop's times are reported apart, within the whole.
    for (const p of run.partitions.filter((p) => p.outcome === 'dropped')) {
      expect(p.detachMs).toBeGreaterThanOrEqual(0);
      expect(p.dropMs).toBeGreaterThanOrEqual(0);
      expect(p.detachMs! + p.dropMs!).toBeLessThanOrEqual(p.lockMs! + 1);
    }
    expect(describeOutcome(run).find((line) => line.startsWith('partition login_events_p2030_03'))).toMatch(
      /, counted in \d+ ms\): dropped in \d+ ms \(detach \d+ ms, drop \d+ ms\)$/,
    );
    // Each part of the run is timed: the months, every class of rows, the audit months; together within the run.
    expect(Object.keys(run.ms!).sort()).toEqual(
      ['audit', 'cases', 'codes', 'daily', 'hourly', 'ledger', 'outbox', 'partitions'].sort(),
    );
    const dropped = run.partitions.filter((p) => p.outcome === 'dropped');
    expect(run.ms!.partitions).toBeGreaterThanOrEqual(
      dropped.reduce((sum, p) => sum + p.countMs! + p.lockMs!, 0) - dropped.length,
    );
    expect(describeOutcome(run)).toContain(`seen-id ledger rows: ${run.rows.ledger} deleted (${run.ms!.ledger} ms)`);
    expect(describeOutcome(run).at(-2)).toMatch(/^took: event months \d+ ms, row classes \d+ ms, audit months \d+ ms$/);
    expect(await partitionExists(db(), 'login_events_p2030_03')).toBe(false);
    expect(await count(db(), `select count(*) as n from login_events_p2030_04`)).toBe(2);
    expect(await count(db(), `select count(*) as n from seen_events where received_at < '2030-04-16T12:00:00Z'`)).toBe(
      0,
    );
    expect(await count(db(), `select count(*) as n from login_rollup_hourly where hour < '2030-05-16T12:00:00Z'`)).toBe(
      0,
    );
    // Daily rollups are kept 730 days: the charts still count March.
    expect(
      await count(
        db(),
        `select count(*) as n from login_rollup_daily where day >= '2030-01-01' and day < '2030-05-16T12:00:00Z'`,
      ),
    ).toBe(before.daily);
    // The run is audited with its figures and kept for the Data retention page.
    const [audit] = await queryRows<{ after: { droppedPartitions: { name: string }[] } }>(
      db(),
      sql`select after from audit_log where action = 'retention.run' order by id desc limit 1`,
    );
    expect(audit!.after.droppedPartitions.map((p) => p.name)).toContain('login_events_p2030_03');
    const overview = await retentionOverview(ctx(), now);
    expect(overview.lastRun?.at).toBe(now.toISOString());
    expect(overview.classes.find((c) => c.kind === 'events')).toMatchObject({
      variable: 'VIGIL_RETENTION_EVENTS_DAYS',
      days: 60,
      cutoff: '2030-04-16T12:00:00.000Z',
    });
    expect(overview.classes.find((c) => c.kind === 'audit')!.days).toBeNull();
    const [stored] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from settings where key = ${LAST_RUN_KEY}`,
    );
    expect(stored!.n).toBe(1);
    // Nothing more is due: a second run drops nothing.
    // (Months kept for accounts under hold, e.g. one an earlier test's burst raised an alert about, are rebuilt.)
    expect(
      (await retentionRun(ctx(), database(), { now })).partitions.filter((p) => !p.name.endsWith('_held')),
    ).toEqual([]);
  });

  it('a partition whose lock is not granted within 1 s is left for the next run, which drops it', async () => {
    const now = new Date('2032-06-15T12:00:00Z');
    await ingestBatch(db(), [loginEvent(`cus_${uniqueSuffix()}`, new Date('2032-01-10T10:00:00Z'))]);
    await detectionIdle();
    windows({ VIGIL_RETENTION_EVENTS_DAYS: '60' });
    const name = 'login_events_p2032_01';
    // A long transaction holding the partition (a report reading it, say) while retention runs.
    const blocker = database().kind === 'postgres' ? database() : null;
    if (blocker) {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const holding = blocker.db.transaction(async (tx) => {
        await tx.execute(sql.raw(`lock table ${name} in access exclusive mode`));
        locked();
        await held;
      });
      await isLocked;
      const started = Date.now();
      const first = await retentionRun(ctx(), database(), { now });
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(first.partitions.find((p) => p.name === name)?.outcome).toBe('retry');
      release();
      await holding;
      expect(await partitionExists(db(), name)).toBe(true);
    }
    const second = await retentionRun(ctx(), database(), { now });
    expect(second.partitions.find((p) => p.name === name)?.outcome).toBe('dropped');
    expect(await partitionExists(db(), name)).toBe(false);
    expect((await listPartitions(db())).some((p) => p.name === name)).toBe(false);
  });
});

describe('streams after retention', () => {
  it('a cursor older than the dropped records is answered 410; one past them goes on', async () => {
    /** Reads on until `until` holds (null: until a page brings nothing new). */
    const follow = async (cursor: string | null, until: ((ids: string[]) => boolean) | null) => {
      const ids: string[] = [];
      const deadline = Date.now() + 30_000;
      for (;;) {
        const page = await readStream(ctx(), 'events', { cursor, limit: '1000' });
        ids.push(...page.records.map((r) => String(r.eventId)));
        const moved = page.nextCursor !== cursor;
        cursor = page.nextCursor;
        // The horizon is the oldest transaction on the whole server: wait for other files' to end.
        if ((until ? until(ids) : !moved) || Date.now() > deadline) return { ids, cursor };
        if (!moved) await new Promise((r) => setTimeout(r, 100));
      }
    };
    const before = (await follow(null, null)).cursor;
    const old = loginEvent(`cus_stream_${uniqueSuffix()}`, new Date('2034-01-10T10:00:00Z'));
    const fresh = loginEvent(`cus_stream_${uniqueSuffix()}`, new Date('2034-06-10T10:00:00Z'));
    // Kept, and stored before the late event that retention removes (so below the stream's retired mark).
    const kept = loginEvent(`cus_stream_${uniqueSuffix()}`, new Date('2034-06-01T10:00:00Z'));
    await ingestBatch(db(), [kept]);
    await ingestBatch(db(), [old]);
    const past = await follow(before, (ids) => ids.includes(old.id));
    expect(past.ids).toContain(old.id);
    await ingestBatch(db(), [fresh]);
    await detectionIdle();
    windows({ VIGIL_RETENTION_EVENTS_DAYS: '60' });
    await retentionRun(ctx(), database(), { now: new Date('2034-06-15T12:00:00Z') });
    await expect(readStream(ctx(), 'events', { cursor: before, limit: '10' })).rejects.toMatchObject({
      code: 'gone',
      reason: 'cursor_expired',
    });
    expect((await follow(past.cursor, (ids) => ids.includes(fresh.id))).ids).toContain(fresh.id);
    // Without a cursor, the stream starts at the oldest record kept: nothing kept is skipped, nothing removed comes.
    const fromStart = await follow(null, (ids) => ids.includes(kept.id) && ids.includes(fresh.id));
    expect(fromStart.ids).toEqual(expect.arrayContaining([kept.id, fresh.id]));
    expect(fromStart.ids).not.toContain(old.id);
    // A second run that removes a record past a cursor given out after the first run: 410 for that cursor only.
    const late = loginEvent(`cus_stream_${uniqueSuffix()}`, new Date('2034-02-10T10:00:00Z'));
    await ingestBatch(db(), [late]);
    const pastLate = await follow(fromStart.cursor, (ids) => ids.includes(late.id));
    expect(pastLate.ids).toContain(late.id);
    const marker = async () =>
      (
        await queryRows<{ value: { epoch: number; runs: { e: number; tx: string }[] } }>(
          db(),
          sql`select value from settings where key = 'stream.retired.events'`,
        )
      )[0]!.value;
    const epochBefore = (await marker()).epoch;
    await retentionRun(ctx(), database(), { now: new Date('2034-06-15T12:00:00Z') });
    await expect(readStream(ctx(), 'events', { cursor: fromStart.cursor, limit: '10' })).rejects.toMatchObject({
      code: 'gone',
    });
    await expect(readStream(ctx(), 'events', { cursor: pastLate.cursor, limit: '10' })).resolves.toBeDefined();
    const after = await marker();
    expect(after.epoch).toBeGreaterThan(epochBefore);
    expect(after.runs.at(-1)?.e).toBe(after.epoch);
    expect(after.runs.at(-1)?.tx).toMatch(/^\d+$/);
  });
});

describe('legal hold', () => {
  it('keeps held accounts’ events readable when their month is dropped; once released, they go at the next run', async () => {
    const heldAccount = `cus_held_${uniqueSuffix()}`;
    const alerted = `cus_alerted_${uniqueSuffix()}`;
    const free = `cus_free_${uniqueSuffix()}`;
    const at = (d: number) => new Date(Date.parse('2033-01-10T10:00:00Z') + d * 1000);
    await ingestBatch(db(), [
      loginEvent(heldAccount, at(1)),
      loginEvent(heldAccount, at(2)),
      loginEvent(alerted, at(3)),
      loginEvent(free, at(4)),
    ]);
    await detectionIdle();
    const idOf = async (external: string) =>
      (await queryRows<{ id: string }>(db(), sql`select id from accounts where external_id = ${external}`))[0]!.id;
    const [h, a, f] = [await idOf(heldAccount), await idOf(alerted), await idOf(free)];
    await setLegalHold(ctx(), { accountId: h, reason: 'Police request 2033/17' });
    await expect(setLegalHold(ctx(), { accountId: f, reason: '' })).rejects.toThrow(/reason/);
    await db()
      .execute(sql`insert into alerts (rule, severity, subject_type, subject_id, account_id, first_seen, last_seen)
      values ('otp_guessing', 'high', 'account', ${alerted}, ${a}, now(), now())`);
    expect((await heldReasons(db(), h)).map((r) => r.kind)).toEqual(['explicit']);
    expect((await heldReasons(db(), a)).map((r) => r.kind)).toEqual(['alert']);
    expect(await heldReasons(db(), f)).toEqual([]);

    windows({ VIGIL_RETENTION_EVENTS_DAYS: '60' });
    const now = new Date('2033-06-15T12:00:00Z');
    const dry = await retentionRun(ctx(), database(), { dryRun: true, now });
    expect(dry.partitions.find((p) => p.name === 'login_events_p2033_01')).toMatchObject({ rows: 4, heldRows: 3 });
    const run = await retentionRun(ctx(), database(), { now });
    expect(run.partitions.find((p) => p.name === 'login_events_p2033_01')).toMatchObject({
      outcome: 'dropped',
      heldRows: 3,
    });
    const rowsOf = (id: string) => count(db(), `select count(*) as n from login_events where account_id = '${id}'`);
    expect([await rowsOf(h), await rowsOf(a), await rowsOf(f)]).toEqual([2, 1, 0]);
    expect(await partitionExists(db(), 'login_events_p2033_01_held')).toBe(true);
    expect(await partitionExists(db(), 'login_events_p2033_01')).toBe(false);
    // A late event for that month is past the window: expired, and nothing collides with the held month.
    expect((await ingestBatch(db(), [loginEvent(free, at(9))], now)).expired).toBe(1);

    // Released (the hold lifted, the alert resolved): the next run lets them go.
    await releaseLegalHold(ctx(), { accountId: h });
    await db().execute(sql`update alerts set status = 'resolved', closed_at = now() where account_id = ${a}`);
    const again = await retentionRun(ctx(), database(), { now });
    expect(again.partitions.find((p) => p.name === 'login_events_p2033_01_held')).toMatchObject({
      outcome: 'dropped',
      heldRows: 0,
    });
    expect([await rowsOf(h), await rowsOf(a)]).toEqual([0, 0]);
    expect(await partitionExists(db(), 'login_events_p2033_01_held')).toBe(false);
    const audit = await queryRows<{ action: string }>(
      db(),
      sql`select action from audit_log where target_id = ${h} and action like 'account.hold%' order by id`,
    );
    expect(audit.map((r) => r.action)).toEqual(['account.hold', 'account.hold_released']);
  });
});

describe('legal hold beyond events, and one run at a time', () => {
  it('rests between batches of deletes as long as each took, so it takes at most half a core from ingest', async () => {
    // 12,000 ledger rows from 1990: three batches of deletes (5,000, 5,000, 2,000), rests after the first two only.
    await db().execute(
      sql`insert into seen_events (event_id, received_at)
          select 'rest_' || ${uniqueSuffix()} || '_' || i, timestamptz '1990-01-01' + i * interval '1 second'
            from generate_series(1, 12000) i`,
    );
    windows({ VIGIL_RETENTION_EVENTS_DAYS: '60' });
    const rests: number[] = [];
    const run = await retentionRun(ctx(), database(), {
      now: new Date('1991-01-01T00:00:00Z'),
      rest: (ms) => {
        rests.push(ms);
        return Promise.resolve();
      },
    });
    expect(run.rows.ledger).toBe(12000);
    expect(rests).toHaveLength(2);
    for (const ms of rests) expect(ms).toBeGreaterThanOrEqual(0);
    expect(await count(db(), `select count(*) as n from seen_events where event_id like 'rest_%'`)).toBe(0);
  });

  it('deletes code pairings past their own window while the codes’ events stay, and never keeps them past the events', async () => {
    const account = `cus_codes_${uniqueSuffix()}`;
    const issued = (otpId: string, at: string) => otpEvent({ id: account }, otpId, new Date(at));
    const codes = { old: `code_old_${uniqueSuffix()}`, recent: `code_recent_${uniqueSuffix()}` };
    await ingestBatch(db(), [issued(codes.old, '2032-05-01T10:00:00Z'), issued(codes.recent, '2032-05-28T10:00:00Z')]);
    await detectionIdle();
    const id = (await queryRows<{ id: string }>(db(), sql`select id from accounts where external_id = ${account}`))[0]!
      .id;
    const pairings = async () =>
      (
        await queryRows<{ otp_id: string }>(
          db(),
          sql`select otp_id from otp_codes where account_id = ${id} order by otp_id`,
        )
      ).map((r) => r.otp_id);
    const events = () => count(db(), `select count(*) as n from otp_events where account_id = '${id}'`);
    expect(await pairings()).toEqual([codes.old, codes.recent].sort());
    const now = new Date('2032-06-01T12:00:00Z');

    // Codes kept 7 days, events 100 years: the pairing of the code issued a month ago goes, its event stays.
    windows({ VIGIL_RETENTION_CODES_DAYS: '7' });
    const dry = await retentionRun(ctx(), database(), { dryRun: true, now });
    expect(dry.rows.codes).toBeGreaterThanOrEqual(1);
    expect(await pairings()).toEqual([codes.old, codes.recent].sort());
    const run = await retentionRun(ctx(), database(), { now });
    expect(run.rows.codes).toBeGreaterThanOrEqual(1);
    expect(await pairings()).toEqual([codes.recent]);
    expect(await events()).toBe(2);
    expect(describeOutcome(run)).toContain(`code pairings: ${run.rows.codes} deleted (${run.ms!.codes} ms)`);

    // A codes window longer than the events' is cut to the events' (the run and the page read the same cutoff): the
    // pairing never outlives its code's events. (Not run here: a 2-day event window would drop this file's months.)
    windows({ VIGIL_RETENTION_CODES_DAYS: '365', VIGIL_RETENTION_EVENTS_DAYS: '2' });
    expect(retentionCutoff('codes', now)?.toISOString()).toBe('2032-05-30T12:00:00.000Z');
    const overview = await retentionOverview(ctx(), now);
    expect(overview.classes.find((c) => c.kind === 'codes')).toMatchObject({
      variable: 'VIGIL_RETENTION_CODES_DAYS',
      days: 2,
      cutoff: '2032-05-30T12:00:00.000Z',
    });
  });

  it('keeps a held account’s closed alerts, closed reports, codes and delivered notices past their windows', async () => {
    const heldAccount = `cus_heldcases_${uniqueSuffix()}`;
    const free = `cus_freecases_${uniqueSuffix()}`;
    await ingestBatch(db(), [
      loginEvent(heldAccount, new Date('2031-03-01T10:00:00Z')),
      loginEvent(free, new Date('2031-03-01T10:00:00Z')),
    ]);
    await detectionIdle();
    const idOf = async (external: string) =>
      (await queryRows<{ id: string }>(db(), sql`select id from accounts where external_id = ${external}`))[0]!.id;
    const [h, f] = [await idOf(heldAccount), await idOf(free)];
    const closed = '2031-03-02T00:00:00Z';
    for (const [id, external] of [
      [h, heldAccount],
      [f, free],
    ] as const) {
      await db()
        .execute(sql`insert into alerts (rule, severity, status, subject_type, subject_id, account_id, first_seen, last_seen, closed_at)
          values ('otp_guessing', 'high', 'resolved', 'account', ${external}, ${id}, ${closed}::timestamptz, ${closed}::timestamptz, ${closed}::timestamptz)`);
      await db()
        .execute(sql`insert into fraud_reports (reference, category, status, priority, due_at, description, source, account_id, closed_at)
          values (${`VR-${uniqueSuffix()}`}, 'unrequested_code', 'resolved', 'normal', ${closed}::timestamptz, 'old', 'web', ${id}, ${closed}::timestamptz)`);
      await db().execute(sql`insert into otp_codes (account_id, otp_id, channel, purpose, issued_at)
          values (${id}, ${`code_${uniqueSuffix()}`}, 'sms', 'login', ${closed}::timestamptz)`);
      await db().execute(sql`insert into outbox (kind, account_id, topic, payload, status, delivered_at)
          values ('webhook', ${id}, 'account.locked', '{}'::jsonb, 'delivered', ${closed}::timestamptz)`);
    }
    await setLegalHold(ctx(), { accountId: h, reason: 'Court order 2031/4' });
    windows({
      VIGIL_RETENTION_EVENTS_DAYS: '60',
      VIGIL_RETENTION_CASES_DAYS: '60',
      VIGIL_RETENTION_OUTBOX_DAYS: '30',
    });
    await retentionRun(ctx(), database(), { now: new Date('2033-06-15T12:00:00Z') });
    const left = async (id: string) => [
      await count(db(), `select count(*) as n from alerts where account_id = '${id}'`),
      await count(db(), `select count(*) as n from fraud_reports where account_id = '${id}'`),
      await count(db(), `select count(*) as n from otp_codes where account_id = '${id}'`),
      await count(db(), `select count(*) as n from outbox where account_id = '${id}' and status = 'delivered'`),
      await count(db(), `select count(*) as n from login_events where account_id = '${id}'`),
    ];
    expect(await left(h)).toEqual([1, 1, 1, 1, 1]);
    expect(await left(f)).toEqual([0, 0, 0, 0, 0]);
    await releaseLegalHold(ctx(), { accountId: h });
  });

  it('refuses a second run while one holds the run lock (a dry run still reads), and attaches held rows a stopped run left aside', async () => {
    const other = await database().dedicated(async (session) => {
      await session.execute(sql`select pg_advisory_lock(7419020541)`);
      try {
        const refused = await retentionRun(ctx(), database(), {}).catch((e: unknown) => e);
        const preview = await retentionRun(ctx(), database(), { dryRun: true });
        // The daily pass that claimed the day and was refused hands the claim back for the next hourly pass.
        setDatabaseForTests(db());
        await db().execute(
          sql`insert into settings (key, value) values ('retention.armed', '{}'::jsonb) on conflict do nothing`,
        );
        const now = new Date();
        const daily = await lifecyclePass(db(), now).catch((e: unknown) => e);
        const [claim] = await queryRows<{ at: string }>(
          db(),
          sql`select updated_at::text as at from settings where key = 'retention.claim'`,
        );
        expect(daily).toMatchObject({ code: 'conflict' });
        expect(Date.parse(claim!.at)).toBe(now.getTime() - 22 * 3_600_000);
        return { refused, preview };
      } finally {
        await session.execute(sql`select pg_advisory_unlock(7419020541)`);
      }
    });
    expect(other.refused).toMatchObject({ code: 'conflict' });
    expect((other.refused as Error).message).toMatch(/under way/);
    expect(other.preview.dryRun).toBe(true);

    // A run stopped after dropping a month and before attaching its held rows: they wait in `_held_next`.
    const account = `cus_orphan_${uniqueSuffix()}`;
    await ingestBatch(db(), [loginEvent(account, new Date('2029-04-04T04:00:00Z'))]);
    await detectionIdle();
    await db().execute(sql.raw(`create table login_events_p2029_04_held_next (like login_events including defaults)`));
    await db().execute(sql.raw(`insert into login_events_p2029_04_held_next select * from login_events_p2029_04`));
    await db().execute(sql.raw(`alter table login_events detach partition login_events_p2029_04`));
    await db().execute(sql.raw(`drop table login_events_p2029_04`));
    forgetKnownPartitions(db(), ['login_events_p2029_04']);
    expect(
      await count(
        db(),
        `select count(*) as n from login_events where occurred_at >= '2029-04-01' and occurred_at < '2029-05-01'`,
      ),
    ).toBe(0);
    await retentionRun(ctx(), database(), {});
    expect(await partitionExists(db(), 'login_events_p2029_04_held_next')).toBe(false);
    expect(
      await count(
        db(),
        `select count(*) as n from login_events where occurred_at >= '2029-04-01' and occurred_at < '2029-05-01'`,
      ),
    ).toBe(1);
  });
});

describe('audit log retention', () => {
  it('drops whole audit months past VIGIL_RETENTION_AUDIT_DAYS only as the owner, and audits the drop', async () => {
    // An installation's month from long ago (rows are written at now(); this month is made by hand for the test).
    await db().execute(
      sql.raw(
        `create table audit_log_p2021_01 partition of audit_log for values from ('2021-01-01T00:00:00Z') to ('2021-02-01T00:00:00Z')`,
      ),
    );
    await db().execute(sql`insert into audit_log (occurred_at, actor_email, actor_role, action, target_type, target_id)
        select timestamptz '2021-01-05T00:00:00Z' + g * interval '1 day', 'ops@example.com', 'admin', 'test.old', 'test', g::text
        from generate_series(1, 3) g`);
    try {
      // Kept forever by default.
      expect((await retentionRun(ctx(), database(), { dryRun: true })).audit).toEqual([]);
      windows({ VIGIL_RETENTION_AUDIT_DAYS: '365' });
      // The server's run (the app's role) only reports it: the audit log's months are the migration role's.
      const server = await retentionRun(ctx(), database(), {});
      expect(server.audit).toEqual([
        expect.objectContaining({ name: 'audit_log_p2021_01', rows: 3, outcome: 'owner' }),
      ]);
      expect(await partitionExists(db(), 'audit_log_p2021_01')).toBe(true);
      const preview = await retentionRun(ctx(), database(), { dryRun: true, owner: database() });
      expect(preview.audit?.map((m) => m.outcome)).toEqual(['due']);
      // `vigil retention run` passes the owner's database: the month goes, whole, and the run's audit row says so.
      const cli = await retentionRun(ctx(), database(), { owner: database() });
      expect(cli.audit).toEqual([expect.objectContaining({ name: 'audit_log_p2021_01', rows: 3, outcome: 'dropped' })]);
      expect(await partitionExists(db(), 'audit_log_p2021_01')).toBe(false);
      expect(await count(db(), `select count(*) as n from audit_log where action = 'test.old'`)).toBe(0);
      const [audit] = await queryRows<{ after: { droppedAuditMonths?: unknown } }>(
        db(),
        sql`select after from audit_log where action = 'retention.run' order by id desc limit 1`,
      );
      expect(audit!.after.droppedAuditMonths).toEqual([{ name: 'audit_log_p2021_01', rows: 3 }]);
      const [month] = await queryRows<{ target_id: string; after: { rows: number } }>(
        db(),
        sql`select target_id, after from audit_log where action = 'audit.month_dropped' order by id desc limit 1`,
      );
      expect(month).toMatchObject({ target_id: 'audit_log_p2021_01', after: { rows: 3 } });
      // This month and the ones ahead stay.
      expect(await partitionExists(db(), `audit_log_p${new Date().toISOString().slice(0, 7).replace('-', '_')}`)).toBe(
        true,
      );
    } finally {
      delete process.env.VIGIL_RETENTION_AUDIT_DAYS;
      resetEnvForTests();
    }
  });
});

describe('audit months that cannot go', () => {
  it('one another transaction holds is left for the next run (retry); one whose drop fails otherwise is failed; neither changes', async () => {
    const month = 'audit_log_p2020_01';
    await db().execute(
      sql.raw(
        `create table ${month} partition of audit_log for values from ('2020-01-01T00:00:00Z') to ('2020-02-01T00:00:00Z')`,
      ),
    );
    await db().execute(sql`insert into audit_log (occurred_at, actor_email, actor_role, action, target_type, target_id)
        select timestamptz '2020-01-05T00:00:00Z' + g * interval '1 day', 'ops@example.com', 'admin', 'test.older', 'test', g::text
        from generate_series(1, 2) g`);
    const run = (audited?: () => Promise<void>) =>
      auditRetention(db(), database(), { dryRun: false, now: new Date(), retire: () => Promise.resolve(), audited });
    try {
      windows({ VIGIL_RETENTION_AUDIT_DAYS: '365' });
      // A long read of the month in another transaction: the drop waits for its lock 1 s at most, then moves on.
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const reader = db().transaction(async (tx) => {
        await tx.execute(sql.raw(`select count(*) from ${month}`));
        locked();
        await released;
      });
      await isLocked;
      const busy = await run().finally(release);
      await reader;
      expect(busy).toEqual([expect.objectContaining({ name: month, rows: 2, outcome: 'retry' })]);
      // Anything else going wrong in the month's transaction (here its audit row is refused): failed, all rolled back.
      const failed = await run(() => Promise.reject(new Error('the audit row was refused')));
      expect(failed).toEqual([expect.objectContaining({ name: month, rows: 2, outcome: 'failed' })]);
      expect(await partitionExists(db(), month)).toBe(true);
      expect(await count(db(), `select count(*) as n from audit_log where action = 'test.older'`)).toBe(2);
    } finally {
      if (await partitionExists(db(), month)) {
        await db().execute(sql.raw(`alter table audit_log detach partition ${month}`));
        await db().execute(sql.raw(`drop table ${month}`));
      }
    }
  });
});

describe('on the embedded engine', () => {
  it('partitions, expires and drops the same way; an upgraded installation waits for an admin’s first run', async () => {
    const embedded: Database = await openPglite();
    try {
      await migrateDatabase(embedded);
      setDatabaseForTests(embedded.db);
      // A new installation: nothing is past a window, so the first daily pass arms retention by itself.
      await lifecyclePass(embedded.db, new Date('2029-01-15T00:00:00Z'));
      expect(await retentionArmed(embedded.db)).toBe(true);
      // An installation from before retention existed: not armed, and history past the windows.
      await embedded.db.execute(sql`delete from settings where key in ('retention.armed', 'retention.lastRun')`);
      const account = `cus_pgl_${uniqueSuffix()}`;
      await ingestBatch(embedded.db, [loginEvent(account, new Date('2029-02-02T02:00:00Z'))]);
      await ingestBatch(embedded.db, [loginEvent(account, new Date('2029-05-02T02:00:00Z'))]);
      await detectionIdle();
      windows({ VIGIL_RETENTION_EVENTS_DAYS: '60' });
      const now = new Date('2029-05-10T00:00:00Z');
      const ectx = serviceContext(embedded.db, systemActor);
      const dry = await retentionRun(ectx, embedded, { dryRun: true, now });
      const login2029 = (names: { name: string }[]) =>
        names.map((p) => p.name).filter((n) => n.startsWith('login_events_p2029'));
      // January's partition was made ahead by the first pass; February's holds the old event.
      expect(login2029(dry.partitions)).toEqual(['login_events_p2029_01', 'login_events_p2029_02']);
      expect(dry.partitions.every((p) => p.outcome === 'due')).toBe(true);
      // The daily pass removes nothing by itself, and keeps what it would remove for the page.
      await lifecyclePass(embedded.db, now);
      expect(await partitionExists(embedded.db, 'login_events_p2029_02')).toBe(true);
      const waiting = await retentionOverview(ectx, now);
      expect(waiting.armed).toBe(false);
      expect(login2029(waiting.waiting?.partitions ?? [])).toEqual(['login_events_p2029_01', 'login_events_p2029_02']);
      // An admin's (or operator's) first run removes it and arms the daily run.
      const run = await retentionRun(ectx, embedded, { now });
      expect((await retentionOverview(ectx, now)).armed).toBe(true);
      expect(login2029(run.partitions.filter((p) => p.outcome === 'dropped'))).toEqual([
        'login_events_p2029_01',
        'login_events_p2029_02',
      ]);
      expect(await count(embedded.db, `select count(*) as n from login_events where occurred_at < '2029-03-01'`)).toBe(
        0,
      );
      expect(await count(embedded.db, `select count(*) as n from login_events where occurred_at >= '2029-05-01'`)).toBe(
        1,
      );
    } finally {
      await embedded.close();
    }
  });
});
