/*
 * The raw event tables are partitioned by time: one partition per UTC calendar month of `occurred_at`
 * (migration 0033; the interval is justified in docs/data-lifecycle.md). There is no default partition: an
 * event for a month without a partition is refused by PostgreSQL, so ingest creates the month first
 * (lib/retention/partitions.ts), and a month past retention is dropped whole, never deleted row by row.
 *
 * Names are `<table>_pYYYY_MM` (e.g. `login_events_p2026_12`), bounds [first of the month, first of the next).
 */

export const partitionedTables = ['login_events', 'otp_events', 'account_events'] as const;
export type PartitionedTable = (typeof partitionedTables)[number];

/** The first instant (UTC) of the month `at` falls in. */
export function monthStart(at: Date): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1));
}

/** The first instant of the month `months` after the one starting at `month` (negative goes back). */
export function addMonths(month: Date, months: number): Date {
  return new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + months, 1));
}

export function partitionName(table: PartitionedTable, month: Date): string {
  const m = monthStart(month);
  return `${table}_p${m.getUTCFullYear()}_${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
}

/** The statement creating a month's partition (nothing if it exists). Every input is ours, never a caller's text. */
export function createPartitionStatement(table: PartitionedTable, month: Date): string {
  const from = monthStart(month);
  const to = addMonths(from, 1);
  return `create table if not exists ${partitionName(table, from)} partition of ${table} for values from ('${from.toISOString()}') to ('${to.toISOString()}')`;
}

/** Each month from `from`'s to `to`'s, inclusive. */
export function monthsBetween(from: Date, to: Date): Date[] {
  const out: Date[] = [];
  for (let m = monthStart(from); m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** A partition as the catalog lists it (bounds parsed from `pg_get_expr(relpartbound)`). */
export interface PartitionInfo {
  table: PartitionedTable;
  name: string;
  from: Date;
  to: Date;
  /** A DETACH … CONCURRENTLY interrupted half-way: it must be finalized before anything else. */
  detachPending: boolean;
  /** Past retention, kept for the rows of accounts under legal hold only. */
  held: boolean;
}

/**
 * The catalog query behind listPartitions (lib/retention/partitions.ts); rows: parent, name, pending. It reads no
 * bound expression (pg_get_expr would lock each partition, and a locked one would stall the list): a partition's
 * month is in its name.
 */
export const listPartitionsQuery = `select p.relname as parent, c.relname as name, i.inhdetachpending as pending
  from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
  where p.relnamespace = current_schema()::regnamespace and p.relname in (${partitionedTables.map((t) => `'${t}'`).join(', ')})
  order by p.relname, c.relname`;

/**
 * `login_events_p2026_12` → its month's range; null for a name Vigil did not give. A `_held` suffix marks a month
 * past retention that keeps only the rows of accounts under legal hold (lib/retention/run-retention.ts).
 */
export function monthOfPartition(name: string): { from: Date; to: Date; held: boolean } | null {
  const match = /_p(\d{4})_(\d{2})(_held)?$/.exec(name);
  if (!match) return null;
  const from = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
  return { from, to: addMonths(from, 1), held: match[3] !== undefined };
}

/** The suffix of a month's partition that keeps only held accounts' rows. */
export const HELD_SUFFIX = '_held';
