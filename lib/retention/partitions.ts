import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx, type Tx } from '@/db/client';
import { arrayOf } from '@/db/sql-helpers';
import {
  createPartitionStatement,
  HELD_SUFFIX,
  listPartitionsQuery,
  monthStart,
  monthsBetween,
  monthOfPartition,
  partitionedTables,
  partitionName,
  type PartitionedTable,
  type PartitionInfo,
} from '@/db/partitions';

/*
 * Monthly partitions of the raw event tables (db/partitions.ts): made ahead by the background loop and by
 * `vigil partitions ensure`, and on demand by ingest before it stores an event for a month that has none (a late
 * event). Creating a partition locks its parent table, so it never happens inside an ingest transaction (a batch
 * holding row locks while it waits for the parent could deadlock with one holding the parent); it is its own short
 * transaction under an advisory lock (servers creating the same month wait for each other, then find it made) and a
 * lock timeout (a long read on the parent makes creation fail and be retried, not ingest queue behind it).
 */

/** How far ahead partitions exist: at least this many days of future (the issue's contract: 7). */
export const PARTITION_DAYS_AHEAD = 7;
const ADVISORY_KEY = 7419020533;

/** Months this process has seen exist, per database (a cache only: creation is idempotent, a dropped one is forgotten). */
const knownByDb = new WeakMap<DbOrTx, Set<string>>();
const knownIn = (db: DbOrTx) => {
  let set = knownByDb.get(db);
  if (!set) knownByDb.set(db, (set = new Set()));
  return set;
};

/** Forgets what this process knew of a database's partitions (retention dropped some; an insert found one missing). */
export function forgetKnownPartitions(db: DbOrTx, names?: string[]): void {
  const known = knownIn(db);
  if (!names) known.clear();
  else for (const n of names) known.delete(n);
}

/**
 * Makes sure every table has a partition for each month given, in a transaction of its own. Returns the partitions
 * it created. `lockTimeoutMs`: how long creation may wait for the parent tables (then it fails; the caller retries).
 */
export async function ensureMonths(db: DbOrTx, months: Date[], lockTimeoutMs = 2000): Promise<string[]> {
  const known = knownIn(db);
  const wanted = missingFrom(known, months);
  if (wanted.size === 0) return [];
  const created = await db.transaction(async (tx) => {
    await tx.execute(sql.raw(`set local lock_timeout = ${Math.trunc(lockTimeoutMs)}`));
    return createMissing(tx, wanted);
  });
  for (const name of wanted.keys()) known.add(name);
  return created;
}

/**
 * The same inside a transaction the caller holds, for storeEvents called directly (seeds, tests): it always asks the
 * catalog. Ingest never comes here (ingestBatch made the months first, and says so), so no ingest transaction holds
 * the advisory lock or waits on a parent table.
 */
export async function ensureMonthsInTransaction(tx: Tx, months: Date[]): Promise<void> {
  await createMissing(tx, missingFrom(new Set(), months));
}

type Wanted = Map<string, { table: PartitionedTable; month: Date }>;

function missingFrom(known: Set<string>, months: Date[]): Wanted {
  const wanted: Wanted = new Map();
  for (const month of months)
    for (const table of partitionedTables) {
      const name = partitionName(table, month);
      if (!known.has(name)) wanted.set(name, { table, month: monthStart(month) });
    }
  return wanted;
}

/**
 * Creates the wanted partitions that do not exist, under an advisory lock (servers making the same month take turns).
 * When the catalog has them all, it takes no lock: a seed or test storing batches directly (ensureMonthsInTransaction)
 * must not make the others wait for its commit.
 */
async function createMissing(tx: Tx, wanted: Wanted): Promise<string[]> {
  const existing = async () =>
    new Set(
      (
        await queryRows<{ relname: string }>(
          tx,
          sql`select relname from pg_class where relnamespace = current_schema()::regnamespace
              and relname = any(${arrayOf([...wanted.keys()].flatMap((n) => [n, `${n}${HELD_SUFFIX}`]))})`,
        )
      ).map((r) => r.relname.replace(HELD_SUFFIX, '')),
    );
  const missing = (there: Set<string>) => [...wanted].filter(([name]) => !there.has(name));
  if (wanted.size === 0 || missing(await existing()).length === 0) return [];
  await tx.execute(sql`select pg_advisory_xact_lock(${ADVISORY_KEY})`);
  const made: string[] = [];
  for (const [name, { table, month }] of missing(await existing())) {
    await tx.execute(sql.raw(createPartitionStatement(table, month)));
    made.push(name);
  }
  return made;
}

/** The months the instants fall in (ISO strings or dates), each once. */
export function monthsOf(instants: Iterable<string | Date>): Date[] {
  const byKey = new Map<number, Date>();
  for (const at of instants) {
    const m = monthStart(typeof at === 'string' ? new Date(at) : at);
    byKey.set(m.getTime(), m);
  }
  return [...byKey.values()];
}

/** The background loop's and `vigil partitions ensure`'s work: this month through PARTITION_DAYS_AHEAD days from now. */
export async function ensureAhead(db: DbOrTx, now = new Date()): Promise<string[]> {
  const until = new Date(now.getTime() + PARTITION_DAYS_AHEAD * 86_400_000);
  const events = await ensureMonths(db, monthsBetween(now, until));
  // The audit log's months, through the function its owner made for it (migration 0037): two months ahead, so a
  // server that stopped for weeks still finds the month it writes in (and audit_log_default catches the rest).
  const [audit] = await queryRows<{ made: string[] | null }>(
    db,
    sql`select audit_log_ensure_months(${new Date(now.getTime() + AUDIT_DAYS_AHEAD * 86_400_000).toISOString()}::timestamptz) as made`,
  );
  return [...events, ...(audit?.made ?? [])];
}

/** How far ahead the audit log's months exist. */
export const AUDIT_DAYS_AHEAD = 62;

/** Every partition of the event tables, oldest first per table. */
export async function listPartitions(db: DbOrTx): Promise<PartitionInfo[]> {
  const rows = await queryRows<{ parent: string; name: string; pending: boolean }>(db, sql.raw(listPartitionsQuery));
  const out: PartitionInfo[] = [];
  for (const r of rows) {
    const range = monthOfPartition(r.name);
    if (!range) continue;
    out.push({ table: r.parent as PartitionedTable, name: r.name, ...range, detachPending: r.pending });
  }
  return out.sort((a, b) => a.table.localeCompare(b.table) || a.from.getTime() - b.from.getTime());
}

/** PostgreSQL's refusal of a row no partition takes (the month's partition is missing, or was just dropped). */
export function isMissingPartition(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const { code, message } = e as { code?: string; message?: string };
    if (code === '23514' && typeof message === 'string' && message.includes('no partition of relation')) return true;
  }
  return false;
}
