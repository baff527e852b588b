import { sql } from 'drizzle-orm';
import { queryRows, type Database, type DbOrTx, type Tx } from '@/db/client';
import { isLockTimeout } from '@/db/errors';
import { monthOfPartition } from '@/db/partitions';
import { log } from '@/lib/log/logger';
import { retentionCutoff } from './config';

/*
 * The audit log's retention (docs/data-lifecycle.md). Kept forever unless VIGIL_RETENTION_AUDIT_DAYS is set; then
 * whole months past it go, never a row: detached and dropped under the same 1 s lock timeout as the event months
 * (a plain detach, below). The application's role cannot do it (it owns no audit partition and may only read and append), so
 * only `vigil retention run` does, connected as the migration role (VIGIL_MIGRATION_DATABASE_URL); the server's
 * daily run and the console report such months as waiting for it. The run's audit row names the months and rows.
 */

export interface AuditMonthOutcome {
  name: string;
  from: string;
  to: string;
  rows: number | null;
  /**
   * dropped; due (a dry run); retry (its lock was not granted in time); owner (only `vigil retention run`, as the
   * migration role, drops it); failed (anything else: the server log says what; nothing was changed).
   */
  outcome: 'dropped' | 'due' | 'retry' | 'owner' | 'failed';
  lockMs?: number;
}

const AUDIT_LOCK_TIMEOUT_MS = 1000;

/** The audit log's monthly partitions (not its default one), oldest first. */
export async function listAuditMonths(db: DbOrTx): Promise<{ name: string; from: Date; to: Date }[]> {
  const rows = await queryRows<{ name: string }>(
    db,
    sql`select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'audit_log'::regclass and c.relname ~ '^audit_log_p[0-9]{4}_[0-9]{2}$'`,
  );
  return rows
    .map((r) => ({ ...r, range: monthOfPartition(r.name) }))
    .filter((r) => r.range !== null)
    .map((r) => ({ name: r.name, from: r.range!.from, to: r.range!.to }))
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** A dropped month, for its audit row (written in the same transaction as the drop). */
export interface DroppedAuditMonth {
  name: string;
  from: string;
  to: string;
  rows: number;
}

/**
 * The audit months past VIGIL_RETENTION_AUDIT_DAYS: dropped when `owner` (the migration role's database) is given
 * and this is no dry run; otherwise only listed. Each month goes in one transaction of the owner's, with what it
 * takes along: `retire` records its newest transaction for the audit stream's 410 (as retention does for events),
 * `audited` writes its audit row. So a month is never gone without its audit row, nor the other way round. A month
 * that fails (its lock not granted in time, or anything else) is reported and the run goes on.
 */
export async function auditRetention(
  db: DbOrTx,
  owner: Pick<Database, 'db'> | null,
  options: {
    dryRun: boolean;
    now: Date;
    retire: (tx: Tx, streamTx: string) => Promise<void>;
    audited?: (tx: Tx, month: DroppedAuditMonth) => Promise<void>;
  },
): Promise<AuditMonthOutcome[]> {
  const cutoff = retentionCutoff('audit', options.now);
  if (!cutoff) return [];
  const out: AuditMonthOutcome[] = [];
  for (const m of await listAuditMonths(db)) {
    if (m.to.getTime() > cutoff.getTime()) continue;
    const base = { name: m.name, from: m.from.toISOString(), to: m.to.toISOString() };
    if (!owner || options.dryRun) {
      const [counted] = await queryRows<{ n: string | number }>(db, sql.raw(`select count(*) as n from ${m.name}`));
      out.push({ ...base, rows: Number(counted?.n ?? 0), outcome: owner ? 'due' : 'owner' });
      continue;
    }
    const started = performance.now();
    let rows: number | null = null;
    try {
      await owner.db.transaction(async (tx) => {
        await tx.execute(sql.raw(`set local lock_timeout = ${AUDIT_LOCK_TIMEOUT_MS}`));
        const [whole] = await queryRows<{ n: string | number; tx: string | null }>(
          tx,
          sql.raw(`select count(*) as n, max(tx)::text as tx from ${m.name}`),
        );
        rows = Number(whole?.n ?? 0);
        // Not CONCURRENTLY: PostgreSQL refuses that beside a default partition (audit_log_default, there so that
        // recording an audit row never fails), and it could not share a transaction with the audit row. The plain
        // detach takes the audit log's lock for an instant, waiting at most the lock timeout for it: a staff
        // action's audit row waits that long at worst.
        await tx.execute(sql.raw(`alter table audit_log detach partition ${m.name}`));
        await tx.execute(sql.raw(`drop table ${m.name}`));
        if (whole?.tx) await options.retire(tx, whole.tx);
        await options.audited?.(tx, { ...base, rows });
      });
      out.push({ ...base, rows, outcome: 'dropped', lockMs: Math.round(performance.now() - started) });
      log.info('retention dropped an audit month', { partition: m.name, rows });
    } catch (error) {
      const timedOut = isLockTimeout(error);
      out.push({
        ...base,
        rows,
        outcome: timedOut ? 'retry' : 'failed',
        lockMs: Math.round(performance.now() - started),
      });
      if (timedOut)
        log.warn('retention could not lock an audit month in time; the next run retries', { partition: m.name });
      else log.error('retention could not drop an audit month', { partition: m.name, error });
    }
  }
  return out;
}
