import { sql } from 'drizzle-orm';
import { queryRows, type Database, type DbOrTx } from '@/db/client';
import { partitionedTables } from '@/db/partitions';
import { settings } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { database } from '@/lib/database';
import { env } from '@/lib/env';
import { retentionClasses, retentionCutoff, retentionDays, retentionVariables, type RetentionClass } from './config';
import { ensureAhead, listPartitions } from './partitions';
import { runRetention, type RetentionOptions, type RetentionOutcome } from './run-retention';

/** Where the last real run's outcome is kept for the Data retention page (shared by every server). */
export const LAST_RUN_KEY = 'retention.lastRun';
/** Set once retention may run by itself (./loop.ts): by the first real run, or automatically when nothing was old. */
export const ARMED_KEY = 'retention.armed';
/** The preview the daily pass keeps while it waits for an admin's first run (the page shows it). */
export const WAITING_KEY = 'retention.waiting';

/**
 * Whether the daily run may remove data by itself. An installation that had data before retention existed (an
 * upgrade) may hold years of history past the default windows: the daily pass does not delete it on its own, but
 * waits until an admin or operator has looked (the page's Preview) and run it once (Run now, or `vigil retention
 * run`). A new installation, with nothing past any window, is armed by its first daily pass.
 */
export async function retentionArmed(db: DbOrTx): Promise<boolean> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from settings where key in (${ARMED_KEY}, ${LAST_RUN_KEY})`,
  );
  return (row?.n ?? 0) > 0;
}

export async function armRetention(db: DbOrTx, by: string): Promise<void> {
  await db.execute(sql`insert into settings (key, value) values (${ARMED_KEY}, ${JSON.stringify({ by, at: new Date().toISOString() })}::jsonb)
      on conflict (key) do nothing`);
  await db.execute(sql`delete from settings where key = ${WAITING_KEY}`);
}

/** Whether a run of the server's would remove anything (audit months it never drops: only the migration role does). */
export const removesNothing = (o: RetentionOutcome) =>
  o.partitions.length === 0 && Object.values(o.rows).every((n) => n === 0);

/**
 * Runs retention now (the CLI's `vigil retention run`, the daily background pass, the admin page's button) and
 * records it: a real run that removed anything writes a `retention.run` audit row with its figures, and every
 * real run is kept as the last run the Data retention page shows. A dry run changes nothing and records nothing.
 */
export async function retentionRun(
  ctx: ServiceContext,
  database: Pick<Database, 'db' | 'dedicated'>,
  options: RetentionOptions = {},
): Promise<RetentionOutcome> {
  // Removing data is a change staff must have verified a second factor for; a preview only reads.
  authorize(ctx, 'retention.manage', { stepUp: !options.dryRun });
  const outcome = await runRetention(database, {
    ...options,
    // Dropping an audit month is itself audited, in the drop's transaction: by whom, which month, how many rows.
    auditedAuditMonth: (tx, month) =>
      recordAudit(
        { ...ctx, db: tx },
        {
          action: 'audit.month_dropped',
          targetType: 'audit_log',
          targetId: month.name,
          after: { from: month.from, to: month.to, rows: month.rows },
        },
      ),
  });
  if (outcome.dryRun) return outcome;
  const dropped = outcome.partitions.filter((p) => p.outcome === 'dropped');
  const removedRows = Object.values(outcome.rows).reduce((a, b) => a + b, 0);
  const auditDropped = (outcome.audit ?? []).filter((m) => m.outcome === 'dropped');
  await withTransaction(ctx, async (tx) => {
    await armRetention(tx.db, ctx.actor.email);
    await tx.db
      .insert(settings)
      .values({ key: LAST_RUN_KEY, value: outcome, updatedAt: new Date(outcome.at) })
      .onConflictDoUpdate({ target: settings.key, set: { value: outcome, updatedAt: new Date(outcome.at) } });
    // The audit months' drop is itself audited: which months, how many rows (never what they said).
    if (dropped.length > 0 || removedRows > 0 || auditDropped.length > 0)
      await recordAudit(tx, {
        action: 'retention.run',
        targetType: 'retention',
        targetId: outcome.at,
        after: {
          droppedPartitions: dropped.map((p) => ({ name: p.name, rows: p.rows })),
          retriedPartitions: outcome.partitions.filter((p) => p.outcome === 'retry').map((p) => p.name),
          rows: outcome.rows,
          ...(auditDropped.length > 0
            ? { droppedAuditMonths: auditDropped.map((m) => ({ name: m.name, rows: m.rows })) }
            : {}),
        },
      });
  });
  return outcome;
}

export interface RetentionClassView {
  kind: RetentionClass;
  variable: string;
  days: number | null;
  /** The oldest instant kept now (null: forever). */
  cutoff: string | null;
  /** The oldest row stored of the class (null: none). */
  oldest: string | null;
}

export interface RetentionOverview {
  classes: RetentionClassView[];
  partitions: { table: string; name: string; from: string; to: string; bytes: number; due: boolean }[];
  lastRun: RetentionOutcome | null;
  /** Whether the daily run removes data by itself (retentionArmed). */
  armed: boolean;
  /** While not armed: what the daily pass found past the windows, and left (null: it has not looked yet). */
  waiting: RetentionOutcome | null;
}

const oldestOf: Record<RetentionClass, string> = {
  events: `select least((select min(occurred_at) from login_events), (select min(occurred_at) from otp_events), (select min(occurred_at) from account_events)) as at`,
  codes: `select min(coalesce(issued_at, delivered_at, verified_at)) as at from otp_codes`,
  hourly: `select least((select min(hour) from otp_rollup_hourly), (select min(hour) from login_rollup_hourly)) as at`,
  daily: `select least((select min(day) from otp_rollup_daily_all), (select min(day) from login_rollup_daily_all)) as at`,
  cases: `select least((select min(closed_at) from alerts where status in ('resolved', 'dismissed')), (select min(closed_at) from fraud_reports where status in ('resolved', 'rejected'))) as at`,
  outbox: `select min(delivered_at) as at from outbox where status = 'delivered'`,
  audit: `select min(occurred_at) as at from audit_log`,
};

const partitionParents = partitionedTables.map((t) => `'${t}'`).join(', ');

/**
 * Each partition's size on disk with its indexes. Reading a size takes a brief lock on the partition, so it is
 * bounded by a 500 ms lock timeout; a partition locked longer (a drop in progress) makes the page fall back to the
 * catalog's page counts (as of the last VACUUM or ANALYZE) rather than wait.
 */
async function partitionSizes(ctx: ServiceContext): Promise<Map<string, number>> {
  const exact = `select c.relname as name, pg_total_relation_size(c.oid) as bytes from pg_inherits i
    join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname in (${partitionParents})`;
  const estimate = `select c.relname as name, (c.relpages + coalesce((select sum(x.relpages) from pg_index ix
      join pg_class x on x.oid = ix.indexrelid where ix.indrelid = c.oid), 0))::bigint * current_setting('block_size')::bigint as bytes
    from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent where p.relname in (${partitionParents})`;
  const toMap = (rows: { name: string; bytes: string | number }[]) =>
    new Map(rows.map((r) => [r.name, Number(r.bytes)]));
  try {
    return toMap(
      await withTransaction(ctx, async (tx) => {
        await tx.db.execute(sql.raw('set local lock_timeout = 500'));
        return queryRows<{ name: string; bytes: string | number }>(tx.db, sql.raw(exact));
      }),
    );
  } catch {
    return toMap(await queryRows<{ name: string; bytes: string | number }>(ctx.db, sql.raw(estimate)));
  }
}

/** The Data retention page: each class's window and oldest row, the event partitions and the last run. */
export async function retentionOverview(ctx: ServiceContext, now = new Date()): Promise<RetentionOverview> {
  authorize(ctx, 'retention.manage');
  const e = env();
  const classes: RetentionClassView[] = [];
  for (const kind of retentionClasses) {
    const [row] = await queryRows<{ at: string | Date | null }>(ctx.db, sql.raw(oldestOf[kind]));
    classes.push({
      kind,
      variable: retentionVariables[kind],
      days: retentionDays(kind, e),
      cutoff: retentionCutoff(kind, now, e)?.toISOString() ?? null,
      oldest: row?.at ? new Date(row.at).toISOString() : null,
    });
  }
  const eventsCutoff = retentionCutoff('events', now, e);
  const sizes = await partitionSizes(ctx);
  const partitions = (await listPartitions(ctx.db)).map((p) => ({
    table: p.table,
    name: p.name,
    from: p.from.toISOString(),
    to: p.to.toISOString(),
    bytes: sizes.get(p.name) ?? 0,
    due: eventsCutoff !== null && p.to.getTime() <= eventsCutoff.getTime(),
  }));
  const stored = async (key: string) =>
    (await queryRows<{ value: RetentionOutcome }>(ctx.db, sql`select value from settings where key = ${key}`))[0]
      ?.value ?? null;
  const armed = await retentionArmed(ctx.db);
  return {
    classes,
    partitions,
    lastRun: await stored(LAST_RUN_KEY),
    armed,
    waiting: armed ? null : await stored(WAITING_KEY),
  };
}

/** The Data retention page's "Preview" and "Run now" (the process's database, for the run's own session). */
export async function retentionRunFromConsole(ctx: ServiceContext, dryRun: boolean): Promise<RetentionOutcome> {
  return retentionRun(ctx, await database(), { dryRun });
}

/** Partitions ahead, now (`vigil partitions ensure`; the background loop does the same every hour). */
export async function ensurePartitionsAhead(ctx: ServiceContext, now = new Date()): Promise<string[]> {
  authorize(ctx, 'retention.manage');
  return ensureAhead(ctx.db, now);
}
