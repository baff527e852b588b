import { sql } from 'drizzle-orm';
import { queryRows, type Database, type Db } from '@/db/client';
import { log } from '@/lib/log/logger';
import { retentionCutoff } from './config';
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
  /** dropped; due (a dry run); retry (its lock was not granted in time: the next run tries again). */
  outcome: 'dropped' | 'due' | 'retry';
  /** How long the count, DETACH and DROP took, waits for locks included, in ms (a real run). */
  lockMs?: number;
}

export interface RetentionOutcome {
  dryRun: boolean;
  at: string;
  partitions: PartitionOutcome[];
  /** Rows deleted (or, in a dry run, that would be) per class. */
  rows: { ledger: number; codes: number; hourly: number; daily: number; cases: number; outbox: number };
}

/** A class's rows past its cutoff, by table and time column: how to count them, and how to delete one batch. */
interface RowClass {
  key: keyof RetentionOutcome['rows'];
  kind: 'events' | 'hourly' | 'daily' | 'cases' | 'outbox';
  /** Tables deleted in this order (children before parents). */
  tables: { table: string; where: (cutoff: string) => string }[];
}

const closedAlert = (cutoff: string) => `status in ('resolved', 'dismissed') and closed_at < '${cutoff}'`;
const closedReport = (cutoff: string) => `status in ('resolved', 'rejected') and closed_at < '${cutoff}'`;

const rowClasses: RowClass[] = [
  { key: 'ledger', kind: 'events', tables: [{ table: 'seen_events', where: (c) => `received_at < '${c}'` }] },
  {
    key: 'codes',
    kind: 'events',
    tables: [{ table: 'otp_codes', where: (c) => `coalesce(issued_at, delivered_at, verified_at) < '${c}'` }],
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
      { table: 'alert_evidence', where: (c) => `alert_id in (select id from alerts where ${closedAlert(c)})` },
      { table: 'alerts', where: closedAlert },
      {
        table: 'report_evidence',
        where: (c) => `report_id in (select id from fraud_reports where ${closedReport(c)})`,
      },
      {
        table: 'report_messages',
        where: (c) => `report_id in (select id from fraud_reports where ${closedReport(c)})`,
      },
      { table: 'report_links', where: (c) => `report_id in (select id from fraud_reports where ${closedReport(c)})` },
      { table: 'fraud_reports', where: closedReport },
    ],
  },
  {
    key: 'outbox',
    kind: 'outbox',
    tables: [
      { table: 'webhook_deliveries', where: (c) => `attempted_at < '${c}'` },
      { table: 'outbox', where: (c) => `status = 'delivered' and delivered_at < '${c}'` },
    ],
  },
];

const count = async (db: Db, text: string) =>
  Number((await queryRows<{ n: string | number }>(db, sql.raw(text)))[0]?.n ?? 0);

/** Runs retention once (or, with dryRun, says what it would do and changes nothing). */
export async function runRetention(
  database: Pick<Database, 'db' | 'dedicated'>,
  options: { dryRun?: boolean; now?: Date } = {},
): Promise<RetentionOutcome> {
  const now = options.now ?? new Date();
  const dryRun = options.dryRun ?? false;
  const { db } = database;
  const outcome: RetentionOutcome = {
    dryRun,
    at: now.toISOString(),
    partitions: [],
    rows: { ledger: 0, codes: 0, hourly: 0, daily: 0, cases: 0, outbox: 0 },
  };

  const eventsCutoff = retentionCutoff('events', now);
  if (eventsCutoff) {
    for (const p of await listPartitions(db)) {
      // A month goes once its last instant is past the window (events inside the window are never dropped).
      if (p.to.getTime() > eventsCutoff.getTime()) continue;
      const base = { table: p.table, name: p.name, from: p.from.toISOString(), to: p.to.toISOString() };
      const started = performance.now();
      let rows: number | null = null;
      try {
        // One session under the 1 s lock timeout: the count, the detach and the drop never wait longer on a lock.
        await database.dedicated(async (session) => {
          await session.execute(sql.raw(`set lock_timeout = ${RETENTION_LOCK_TIMEOUT_MS}`));
          try {
            rows = await count(session, `select count(*) as n from ${p.name}`);
            if (dryRun) return;
            // A run cut short mid-detach left it pending: finish that first (a plain DETACH would refuse).
            await session.execute(
              sql.raw(
                p.detachPending
                  ? `alter table ${p.table} detach partition ${p.name} finalize`
                  : `alter table ${p.table} detach partition ${p.name} concurrently`,
              ),
            );
            await session.execute(sql.raw(`drop table ${p.name}`));
          } finally {
            await session.execute(sql.raw('reset lock_timeout'));
          }
        });
        if (dryRun) {
          outcome.partitions.push({ ...base, rows, outcome: 'due' });
          continue;
        }
        forgetKnownPartitions(db, [p.name]);
        outcome.partitions.push({ ...base, rows, outcome: 'dropped', lockMs: Math.round(performance.now() - started) });
        log.info('retention dropped a partition', { partition: p.name, rows });
      } catch (error) {
        if (!isLockTimeout(error)) throw error;
        outcome.partitions.push({ ...base, rows, outcome: 'retry', lockMs: Math.round(performance.now() - started) });
        log.warn('retention could not lock a partition in time; the next run retries', { partition: p.name });
      }
    }
  }

  for (const rc of rowClasses) {
    const cutoff = retentionCutoff(rc.kind, now);
    if (!cutoff) continue;
    const c = cutoff.toISOString();
    for (const t of rc.tables) {
      if (dryRun) {
        outcome.rows[rc.key] += await count(db, `select count(*) as n from ${t.table} where ${t.where(c)}`);
        continue;
      }
      // Small batches: each a short transaction, so nothing waits long on these rows.
      for (;;) {
        const n = await count(
          db,
          `with gone as (delete from ${t.table} where ctid in (select ctid from ${t.table} where ${t.where(c)} limit ${BATCH}) returning 1)
           select count(*) as n from gone`,
        );
        outcome.rows[rc.key] += n;
        if (n < BATCH) break;
      }
    }
  }
  return outcome;
}

function isLockTimeout(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause)
    if ((e as { code?: string }).code === '55P03') return true;
  return false;
}
