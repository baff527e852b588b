/*
 * The raw event tables are partitioned by time (range on `occurred_at`; the interval is justified in
 * docs/data-lifecycle.md). A partition holds a part of a UTC calendar month: the 1st to the 7th, the 8th to the
 * 14th, the 15th to the 21st, and the 22nd to the month's end (7 to 10 days). Until session 26 a partition held a
 * whole month (migration 0033, and every month made before the change): those stay, and cover their months, until
 * retention drops them. There is no default partition: an event for a period without a partition is refused by
 * PostgreSQL, so ingest creates the period first (lib/retention/partitions.ts), and a period past retention is
 * dropped whole, never deleted row by row.
 *
 * Names are `<table>_pYYYY_MM_DD` for a part (e.g. `login_events_p2026_12_08`, [8 December, 15 December)) and
 * `<table>_pYYYY_MM` for a whole month ([first of the month, first of the next)).
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

/** The days of the month a part starts on. */
const partStarts = [1, 8, 15, 22];

/** The first instant (UTC) of the part of a month `at` falls in. */
export function periodStart(at: Date): Date {
  const day = at.getUTCDate();
  const first = partStarts.findLast((d) => d <= day)!;
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), first));
}

/** The first instant after the part starting at `period` (a part from the 22nd ends with its month). */
export function periodEnd(period: Date): Date {
  const day = period.getUTCDate();
  return day >= partStarts.at(-1)!
    ? addMonths(period, 1)
    : new Date(Date.UTC(period.getUTCFullYear(), period.getUTCMonth(), day + 7));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The partition of the part of a month `at` falls in. */
export function partitionName(table: PartitionedTable, at: Date): string {
  const p = periodStart(at);
  return `${table}_p${p.getUTCFullYear()}_${pad(p.getUTCMonth() + 1)}_${pad(p.getUTCDate())}`;
}

/** The whole-month partition of the month `at` falls in, as made before session 26: it covers the month's parts. */
export function monthPartitionName(table: PartitionedTable, at: Date): string {
  const m = monthStart(at);
  return `${table}_p${m.getUTCFullYear()}_${pad(m.getUTCMonth() + 1)}`;
}

/** The statement creating a part's partition (nothing if it exists). Every input is ours, never a caller's text. */
export function createPartitionStatement(table: PartitionedTable, at: Date): string {
  const from = periodStart(at);
  const to = periodEnd(from);
  return `create table if not exists ${partitionName(table, from)} partition of ${table} for values from ('${from.toISOString()}') to ('${to.toISOString()}')`;
}

/** Each part from `from`'s to `to`'s, inclusive. */
export function periodsBetween(from: Date, to: Date): Date[] {
  const out: Date[] = [];
  for (let p = periodStart(from); p <= to; p = periodEnd(p)) out.push(p);
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
 * range is in its name.
 */
export const listPartitionsQuery = `select p.relname as parent, c.relname as name, i.inhdetachpending as pending
  from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
  where p.relnamespace = current_schema()::regnamespace and p.relname in (${partitionedTables.map((t) => `'${t}'`).join(', ')})
  order by p.relname, c.relname`;

/**
 * A partition's name → its range: `login_events_p2026_12_08` a part, `login_events_p2026_12` a whole month (and the
 * audit log's months); null for a name Vigil did not give. A `_held` suffix marks a period past retention that keeps
 * only the rows of accounts under legal hold (lib/retention/run-retention.ts).
 */
export function rangeOfPartition(name: string): { from: Date; to: Date; held: boolean } | null {
  const match = /_p(\d{4})_(\d{2})(?:_(\d{2}))?(_held)?$/.exec(name);
  if (!match) return null;
  const held = match[4] !== undefined;
  if (match[3] === undefined) {
    const from = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1));
    return { from, to: addMonths(from, 1), held };
  }
  const from = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  if (!partStarts.includes(from.getUTCDate())) return null;
  return { from, to: periodEnd(from), held };
}

/** `login_events_p2026_12_08_held` → `login_events_p2026_12_08`: the period's own name. */
export const withoutHeld = (name: string) => name.replace(/_held$/, '');

/** The suffix of a period's partition that keeps only held accounts' rows. */
export const HELD_SUFFIX = '_held';
