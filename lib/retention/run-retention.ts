import { sql } from 'drizzle-orm';
import { queryRows, type Database, type Db, type DbOrTx, type Tx } from '@/db/client';
import { isLockTimeout } from '@/db/errors';
import { conflict } from '@/lib/errors';
import { log } from '@/lib/log/logger';
import { retentionCutoff } from './config';
import {
  HELD_SUFFIX,
  monthOfPartition,
  partitionedTables,
  partitionName,
  type PartitionedTable,
} from '@/db/partitions';
import { heldAccountIds } from '@/lib/accounts/legal-hold';
import { retiredKey, type StreamKind } from '@/lib/streams/read-stream';
import { auditRetention, type AuditMonthOutcome, type DroppedAuditMonth } from './audit-retention';
import { forgetKnownPartitions, listPartitions } from './partitions';

/*
 * The retention run (docs/data-lifecycle.md): what each class keeps is in ./config.ts. Raw events go a whole
 * monthly partition at a time, once its last instant is past the window: DETACH … CONCURRENTLY (ingest and reads
 * go on; only a brief lock, under a 1 s lock_timeout), then DROP of the detached table, which nobody else uses.
 * A partition whose lock is not granted in time is left for the next run (daily, or `vigil retention run`), so
 * a long report never makes ingest queue behind the drop. Everything else (ledger, rollups, closed cases,
 * delivered outbox rows) is deleted in small batches by its own time column.
 */

export const RETENTION_LOCK_TIMEOUT_MS = 1000;
const BATCH = 5000;

export interface PartitionOutcome {
  table: string;
  name: string;
  from: string;
  to: string;
  /** Its rows (null: it could not be counted, its lock was not granted in time). */
  rows: number | null;
  /** Rows of accounts under legal hold: kept, in the month's `_held` partition, while the hold lasts. */
  heldRows: number;
  /** dropped; due (a dry run); retry (its lock was not granted in time: the next run tries again). */
  outcome: 'dropped' | 'due' | 'retry';
  /** How long the DETACH and DROP (and the re-ATTACH of held rows) took, waits for locks included, in ms (a real run). */
  lockMs?: number;
  /**
   * The two parts of lockMs that can take long, apart (a dropped month): the DETACH … CONCURRENTLY, which waits
   * for the transactions older than it but holds no lock ingest needs meanwhile, and the DROP of the detached
   * table, which nothing else uses any more (its time is the files' removal).
   */
  detachMs?: number;
  dropMs?: number;
  /** How long counting its rows (all, and the held accounts') took, in ms: it reads the whole month, before any lock. */
  countMs?: number;
  /** Dropped, but its held rows could not be attached yet: they wait in their own table for the next run. */
  heldPending?: boolean;
}

export interface RetentionOutcome {
  dryRun: boolean;
  at: string;
  partitions: PartitionOutcome[];
  /** Rows deleted (or, in a dry run, that would be) per class. */
  rows: { ledger: number; codes: number; hourly: number; daily: number; cases: number; outbox: number };
  /**
   * How long each part of the run took, in ms: the event months (counts, copies of held rows, detach and drop), each
   * class of rows (its batched deletes, or a dry run's count) and the audit months. Absent in runs recorded before it.
   */
  ms?: RetentionParts;
  /** Audit months past VIGIL_RETENTION_AUDIT_DAYS (./audit-retention.ts); absent in runs recorded before it. */
  audit?: AuditMonthOutcome[];
}

export type RetentionParts = Record<'partitions' | keyof RetentionOutcome['rows'] | 'audit', number>;

export interface RetentionOptions {
  dryRun?: boolean;
  now?: Date;
  /** The migration role's database: given (by `vigil retention run`), audit months past their window are dropped. */
  owner?: Pick<Database, 'db'> | null;
  /** Writes a dropped audit month's audit row, in the drop's own transaction (./retention.ts gives the actor). */
  auditedAuditMonth?: (tx: Tx, month: DroppedAuditMonth) => Promise<void>;
  /** How the run rests between two batches of deletes (tests watch it); by default a timer. */
  rest?: (ms: number) => Promise<void>;
}

/**
 * After each full batch of deletes the run rests as long as the batch took, so it takes at most half a core
 * while ingest goes on: on the 50M store its rollup deletes ran 13 s back to back, and an ingest batch took
 * 2.1 s meanwhile (1.1 s at most outside the run), with no lock wait behind it (docs/data-lifecycle.md).
 */
const restFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A class's rows past its cutoff, by table and time column: how to count them, and how to delete one batch. */
interface RowClass {
  key: keyof RetentionOutcome['rows'];
  kind: 'events' | 'codes' | 'hourly' | 'daily' | 'cases' | 'outbox';
  /** Tables deleted in this order (children before parents). */
  /** `stream`: the rows are records of that stream; deleting them retires its older cursors (410). */
  /** `where` gets the cutoff and `held`, an SQL array of the accounts under legal hold, whose rows stay. */
  tables: { table: string; where: (cutoff: string, held: string) => string; stream?: StreamKind }[];
}

/** A closed alert past the window, unless it concerns a held account (as its subject or in its evidence). */
const closedAlert = (cutoff: string, held: string) =>
  `status in ('resolved', 'dismissed') and closed_at < '${cutoff}' and not coalesce(account_id = any(${held}), false)
   and not exists (select 1 from alert_evidence h where h.alert_id = alerts.id and h.account_id = any(${held}))`;
const closedReport = (cutoff: string, held: string) =>
  `status in ('resolved', 'rejected') and closed_at < '${cutoff}' and not coalesce(account_id = any(${held}), false)`;

const rowClasses: RowClass[] = [
  { key: 'ledger', kind: 'events', tables: [{ table: 'seen_events', where: (c) => `received_at < '${c}'` }] },
  {
    key: 'codes',
    kind: 'codes',
    tables: [
      {
        table: 'otp_codes',
        where: (c, held) => `coalesce(issued_at, delivered_at, verified_at) < '${c}' and account_id <> all(${held})`,
      },
    ],
  },
  {
    key: 'hourly',
    kind: 'hourly',
    tables: [
      { table: 'otp_rollup_hourly', where: (c) => `hour < '${c}'` },
      { table: 'login_rollup_hourly', where: (c) => `hour < '${c}'` },
      { table: 'otp_prefix_rollup_hourly', where: (c) => `hour < '${c}'` },
      { table: 'otp_prefix_rollup_minute', where: (c) => `minute < '${c}'` },
      { table: 'otp_latency_hourly', where: (c) => `hour < '${c}'` },
    ],
  },
  {
    key: 'daily',
    kind: 'daily',
    tables: [
      { table: 'otp_rollup_daily', where: (c) => `day < '${c}'` },
      { table: 'login_rollup_daily', where: (c) => `day < '${c}'` },
      { table: 'otp_rollup_daily_all', where: (c) => `day < '${c}'` },
      { table: 'login_rollup_daily_all', where: (c) => `day < '${c}'` },
    ],
  },
  {
    key: 'cases',
    kind: 'cases',
    tables: [
      { table: 'alert_evidence', where: (c, h) => `alert_id in (select id from alerts where ${closedAlert(c, h)})` },
      { table: 'alerts', where: closedAlert, stream: 'alerts' },
      {
        table: 'report_evidence',
        where: (c, h) => `report_id in (select id from fraud_reports where ${closedReport(c, h)})`,
      },
      {
        table: 'report_messages',
        where: (c, h) => `report_id in (select id from fraud_reports where ${closedReport(c, h)})`,
      },
      {
        table: 'report_links',
        where: (c, h) => `report_id in (select id from fraud_reports where ${closedReport(c, h)})`,
      },
      { table: 'fraud_reports', where: closedReport },
    ],
  },
  {
    key: 'outbox',
    kind: 'outbox',
    tables: [
      { table: 'webhook_deliveries', where: (c) => `attempted_at < '${c}'` },
      {
        table: 'outbox',
        where: (c, h) =>
          `status = 'delivered' and delivered_at < '${c}' and not coalesce(account_id = any(${h}), false)`,
      },
    ],
  },
];

const count = async (db: Db, text: string) =>
  Number((await queryRows<{ n: string | number }>(db, sql.raw(text)))[0]?.n ?? 0);

/** The session-level advisory lock one real run holds from start to end, across servers and the CLI. */
const RUN_LOCK_KEY = 7419020541;

export const runUnderWay = () =>
  conflict('A retention run is under way already (the daily run, the CLI or another admin): try again when it ends.');

/**
 * Runs retention once (or, with dryRun, says what it would do and changes nothing). One real run at a time: a run
 * started while another holds the run lock is refused with a conflict (a dry run only reads, and never waits).
 */
export async function runRetention(
  database: Pick<Database, 'db' | 'dedicated'>,
  options: RetentionOptions = {},
): Promise<RetentionOutcome> {
  if (options.dryRun) return runOnce(database, options);
  return database.dedicated(async (session) => {
    const [lock] = await queryRows<{ got: boolean }>(session, sql`select pg_try_advisory_lock(${RUN_LOCK_KEY}) as got`);
    if (!lock?.got) throw runUnderWay();
    try {
      return await runOnce(database, options);
    } finally {
      await session.execute(sql`select pg_advisory_unlock(${RUN_LOCK_KEY})`);
    }
  });
}

async function runOnce(
  database: Pick<Database, 'db' | 'dedicated'>,
  options: RetentionOptions,
): Promise<RetentionOutcome> {
  const now = options.now ?? new Date();
  const dryRun = options.dryRun ?? false;
  const { db } = database;
  const outcome: RetentionOutcome = {
    dryRun,
    at: now.toISOString(),
    partitions: [],
    rows: { ledger: 0, codes: 0, hourly: 0, daily: 0, cases: 0, outbox: 0 },
    ms: { partitions: 0, ledger: 0, codes: 0, hourly: 0, daily: 0, cases: 0, outbox: 0, audit: 0 },
  };
  const ms = outcome.ms!;
  let partStarted = performance.now();
  /** Ends the part under way (its time goes to `part`) and starts the next. */
  const took = (part: keyof RetentionParts) => {
    const at = performance.now();
    ms[part] += Math.round(at - partStarted);
    partStarted = at;
  };

  // Accounts under legal hold: their events, codes, closed cases and notices stay past every window.
  const held = await heldAccountIds(db);
  const heldArray = `'{${held.join(',')}}'::uuid[]`;
  const eventsCutoff = retentionCutoff('events', now);
  if (eventsCutoff) {
    if (!dryRun) await reattachOrphanedHeld(database);
    for (const p of await listPartitions(db)) {
      // A month goes once its last instant is past the window (events inside the window are never dropped).
      if (p.to.getTime() > eventsCutoff.getTime()) continue;
      const base = { table: p.table, name: p.name, from: p.from.toISOString(), to: p.to.toISOString() };
      const started = performance.now();
      let rows: number | null = null;
      let heldRows = 0;
      let dropStarted = started;
      let detachMs = 0;
      let dropMs = 0;
      let maxTx: string | null = null;
      let countMs = 0;
      let dropped = false;
      let heldPending = false;
      try {
        // One session under the 1 s lock timeout: the counts, the detach and the drop never wait longer on a lock.
        await database.dedicated(async (session) => {
          await session.execute(sql.raw(`set lock_timeout = ${RETENTION_LOCK_TIMEOUT_MS}`));
          try {
            const countStarted = performance.now();
            const [whole] = await queryRows<{ n: string | number; tx: string | null }>(
              session,
              sql.raw(`select count(*) as n, max(tx)::text as tx from ${p.name}`),
            );
            rows = Number(whole?.n ?? 0);
            maxTx = whole?.tx ?? null;
            heldRows =
              held.length === 0
                ? 0
                : await count(
                    session,
                    `select count(*) as n from ${p.name} where account_id = any('{${held.join(',')}}'::uuid[])`,
                  );
            countMs = Math.round(performance.now() - countStarted);
            if (dryRun) return;
            const keep = heldRows > 0 ? await copyHeldRows(session, p.table, p.name, p.from, held) : null;
            // Recorded before the records go: a stream reader never sees them gone with no record of it (a detach
            // that then fails only makes a cursor behind them start over).
            if (maxTx) await retire(session, 'events', maxTx);
            dropStarted = performance.now();
            // A run cut short mid-detach left it pending: finish that first (a plain DETACH would refuse).
            await session.execute(
              sql.raw(
                p.detachPending
                  ? `alter table ${p.table} detach partition ${p.name} finalize`
                  : `alter table ${p.table} detach partition ${p.name} concurrently`,
              ),
            );
            const detached = performance.now();
            detachMs = Math.round(detached - dropStarted);
            await session.execute(sql.raw(`drop table ${p.name}`));
            dropMs = Math.round(performance.now() - detached);
            dropped = true;
            if (keep) {
              // The month is gone: a failure now must not be reported as a month to retry. The held rows wait in
              // their own table, and the next run attaches them (reattachOrphanedHeld).
              try {
                await attachHeld(session, p.table, keep, p.from, p.to);
              } catch (error) {
                heldPending = true;
                log.error('retention dropped a month but could not attach its held rows yet; the next run does', {
                  partition: p.name,
                  error,
                });
              }
            }
          } finally {
            await session.execute(sql.raw('reset lock_timeout'));
          }
        });
        if (dryRun) {
          outcome.partitions.push({ ...base, rows, heldRows, outcome: 'due', countMs });
          continue;
        }
        forgetKnownPartitions(db, [p.name]);
        outcome.partitions.push({
          ...base,
          rows,
          heldRows,
          outcome: 'dropped',
          lockMs: Math.round(performance.now() - dropStarted),
          detachMs,
          dropMs,
          countMs,
          ...(heldPending ? { heldPending } : {}),
        });
        log.info('retention dropped a partition', { partition: p.name, rows, heldRows });
      } catch (error) {
        if (dropped || !isLockTimeout(error)) throw error;
        outcome.partitions.push({
          ...base,
          rows,
          heldRows,
          outcome: 'retry',
          lockMs: Math.round(performance.now() - started),
          countMs,
        });
        log.warn('retention could not lock a partition in time; the next run retries', { partition: p.name });
      }
    }
  }

  took('partitions');
  for (const rc of rowClasses) {
    const cutoff = retentionCutoff(rc.kind, now);
    if (!cutoff) {
      took(rc.key);
      continue;
    }
    const c = cutoff.toISOString();
    for (const t of rc.tables) {
      if (dryRun) {
        outcome.rows[rc.key] += await count(db, `select count(*) as n from ${t.table} where ${t.where(c, heldArray)}`);
        continue;
      }
      // Small batches: each a short transaction, so nothing waits long on these rows; a stream's record of the
      // removal commits with it.
      for (;;) {
        const batchStarted = performance.now();
        const n = await db.transaction(async (tx) => {
          const [gone] = await queryRows<{ n: string | number; tx: string | null }>(
            tx,
            sql.raw(`with gone as (delete from ${t.table} where ctid = any(array(select ctid from ${t.table} where ${t.where(c, heldArray)} limit ${BATCH})) returning ${t.stream ? 'tx' : 'null::xid8 as tx'})
             select count(*) as n, max(tx)::text as tx from gone`),
          );
          if (t.stream && gone?.tx) await retire(tx, t.stream, gone.tx);
          return Number(gone?.n ?? 0);
        });
        outcome.rows[rc.key] += n;
        if (n < BATCH) break;
        await (options.rest ?? restFor)(Math.round(performance.now() - batchStarted));
      }
    }
    took(rc.key);
  }
  outcome.audit = await auditRetention(db, options.owner ?? null, {
    dryRun,
    now,
    retire: (tx, streamTx) => retire(tx, 'audit', streamTx),
    audited: options.auditedAuditMonth,
  });
  took('audit');
  return outcome;
}

/**
 * Legal hold: before a month is dropped, the rows of held accounts are copied into a table of their own with the
 * same columns, which then becomes the month's partition (`<table>_pYYYY_MM_held`): every page, history table and
 * evidence view keeps reading them through the same table, and erasure and export see them too. A `_held` month past
 * the window is rebuilt the same way at each run, so rows of accounts no longer held go then.
 */
async function copyHeldRows(session: Db, table: string, name: string, month: Date, held: string[]): Promise<string> {
  const next = `${partitionName(table as PartitionedTable, month)}${HELD_SUFFIX}_next`;
  await session.execute(sql.raw(`drop table if exists ${next}`));
  await session.execute(sql.raw(`create table ${next} (like ${table} including defaults including constraints)`));
  await session.execute(
    sql.raw(`insert into ${next} select * from ${name} where account_id = any('{${held.join(',')}}'::uuid[])`),
  );
  return next;
}

async function attachHeld(session: Db, table: string, next: string, from: Date, to: Date): Promise<void> {
  const final = next.replace(/_next$/, '');
  await session.execute(sql.raw(`alter table ${next} rename to ${final}`));
  // ATTACH locks the parent only SHARE UPDATE EXCLUSIVE: ingest and reads go on.
  await session.execute(
    sql.raw(
      `alter table ${table} attach partition ${final} for values from ('${from.toISOString()}') to ('${to.toISOString()}')`,
    ),
  );
}

/**
 * A run stopped (or failed) between dropping a month and attaching its held rows left them in a table of their own,
 * `_held` (renamed, not attached) or `_held_next` (not renamed yet): attach it. A `_held_next` beside an attached
 * `_held` is a copy that never replaced it, and goes. One that cannot be locked in time waits for the next run.
 */
async function reattachOrphanedHeld(database: Pick<Database, 'db' | 'dedicated'>): Promise<void> {
  const orphans = await queryRows<{ name: string; attached: boolean }>(
    database.db,
    sql`select o.relname as name, exists (select 1 from pg_class h where h.relnamespace = o.relnamespace and h.relispartition
          and h.relname in (regexp_replace(o.relname, '_held(_next)?$', ''), regexp_replace(o.relname, '_next$', ''))) as attached
        from pg_class o where o.relnamespace = current_schema()::regnamespace and o.relkind = 'r'
        and not o.relispartition and o.relname ~ '_p[0-9]{4}_[0-9]{2}_held(_next)?$' order by o.relname`,
  );
  for (const { name, attached } of orphans) {
    const final = name.replace(/_next$/, '');
    const month = monthOfPartition(final);
    const table = final.replace(/_p\d{4}_\d{2}_held$/, '');
    if (!month || !(partitionedTables as readonly string[]).includes(table)) continue;
    // The month still has a partition (the run stopped before its drop): the copy is stale, and is made again when
    // the month goes. Only a stopped run leaves these: the run lock keeps runs apart.
    try {
      const done = await database.dedicated(async (session) => {
        await session.execute(sql.raw(`set lock_timeout = ${RETENTION_LOCK_TIMEOUT_MS}`));
        try {
          if (attached) {
            if (name !== final) await session.execute(sql.raw(`drop table ${name}`));
            return false;
          }
          if (name !== final) await session.execute(sql.raw(`alter table ${name} rename to ${final}`));
          await session.execute(
            sql.raw(
              `alter table ${table} attach partition ${final} for values from ('${month.from.toISOString()}') to ('${month.to.toISOString()}')`,
            ),
          );
          return true;
        } finally {
          await session.execute(sql.raw('reset lock_timeout'));
        }
      });
      if (done) log.info('retention attached held rows a stopped run had left aside', { partition: final });
    } catch (error) {
      log.warn('retention could not attach held rows left aside yet; the next run retries', {
        partition: final,
        error,
      });
    }
  }
}

/**
 * Records that a removal took a stream's records up to transaction `tx` (lib/streams/read-stream.ts): it gets the
 * next number, and the last 1,000 removals stay listed (a cursor older than those is judged by the newest of all).
 * Recorded right after each removal commits, so a run that stops half way has recorded what it removed.
 */
async function retire(db: DbOrTx, kind: StreamKind, tx: string): Promise<void> {
  await db.execute(sql`insert into settings (key, value)
      values (${retiredKey(kind)}, jsonb_build_object('tx', ${tx}::text, 'epoch', 1, 'runs', jsonb_build_array(jsonb_build_object('e', 1, 'tx', ${tx}::text))))
    on conflict (key) do update set updated_at = now(), value = (
      select jsonb_build_object(
        'tx', greatest((old.value->>'tx')::numeric, ${tx}::numeric)::text,
        'epoch', old.epoch + 1,
        'runs', (select coalesce(jsonb_agg(r order by (r->>'e')::int), '[]'::jsonb) from (
          select r from jsonb_array_elements(coalesce(old.value->'runs', jsonb_build_array(jsonb_build_object('e', 0, 'tx', old.value->>'tx')))
                                             || jsonb_build_array(jsonb_build_object('e', old.epoch + 1, 'tx', ${tx}::text))) r
          order by (r->>'e')::int desc limit 1000) kept))
      from (select settings.value, coalesce((settings.value->>'epoch')::int, 0) as epoch) old)`);
}
