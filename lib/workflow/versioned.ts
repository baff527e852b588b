import { eq, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { recordAudit } from '@/lib/audit/record-audit';
import type { TxContext } from '@/lib/context';
import { conflict, notFound } from '@/lib/errors';

/** A table of records staff work under optimistic locking: alerts and fraud reports. */
export type VersionedTable = PgTable & {
  id: PgColumn;
  version: PgColumn;
  updatedAt: PgColumn;
  status: PgColumn;
  assigneeId: PgColumn;
};
export type VersionedRow<T extends VersionedTable> = T['$inferSelect'] & {
  id: string;
  version: number;
  status: string;
  assigneeId: string | null;
};

/** What the shared steps need to know of the kind of record a staff change is about. */
export interface CaseKind<T extends VersionedTable, State> {
  table: T;
  /** The audit target type and the word in messages: `alert`, `report`. */
  noun: 'alert' | 'report';
  /** The not-found message: the same for a missing record and one the caller may not see. */
  missing: string;
  /** What a conflict or a result shows of the record. */
  state: (row: VersionedRow<T>) => State;
  /** The final statuses: a closed record keeps its assignee. */
  closed: readonly string[];
}

/** The kind of an alert or a report; not found reads "No such alert." / "No such report.". */
export function caseKind<T extends VersionedTable, State>(
  table: T,
  noun: 'alert' | 'report',
  state: (row: VersionedRow<T>) => State,
  closed: readonly string[],
): CaseKind<T, State> {
  return { table, noun, missing: `No such ${noun}.`, state, closed };
}

/** Reads the record FOR UPDATE (the change then sees the latest version), or throws not found. */
export async function lockForChange<T extends VersionedTable, State>(
  tx: TxContext,
  kind: CaseKind<T, State>,
  id: string,
): Promise<VersionedRow<T>> {
  const table = kind.table as VersionedTable;
  const [row] = await tx.db.select().from(table).where(eq(table.id, id)).for('update');
  if (!row) throw notFound(kind.missing);
  return row as VersionedRow<T>;
}

/**
 * The caller's version must be the current one: two people on the same version, one wins, the other gets a
 * conflict carrying the record as it is now.
 */
export function checkVersion(row: { version: number }, expected: number, noun: string, current: unknown): void {
  if (row.version !== expected)
    throw conflict(
      `Someone changed this ${noun} since you loaded it. Here is how it is now; try again if it still applies.`,
      current,
    );
}

/** Timestamps a change sets as a consequence of another field; the audit row records the fields staff chose. */
const unaudited = new Set(['closedAt', 'dueAt']);

/**
 * The audit row of a change to a versioned record, in the change's transaction: before and after hold only
 * the fields the change set.
 */
export async function auditChange(
  tx: TxContext,
  entry: {
    action: `${string}.${string}`;
    targetType: string;
    before: { id: string } & Record<string, unknown>;
    after: Record<string, unknown>;
    fields: readonly string[];
    reason?: string | null;
  },
): Promise<void> {
  const pick = (row: Record<string, unknown>) => Object.fromEntries(entry.fields.map((key) => [key, row[key]]));
  await recordAudit(tx, {
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.before.id,
    reason: entry.reason ?? null,
    before: pick(entry.before),
    after: pick(entry.after),
  });
}

/**
 * Checks the version, writes `set` with the next version, and records the audit row: the last steps of every
 * staff change to an alert or a report, after the verb has reported a change already in place and refused a
 * move its workflow forbids.
 */
export async function commitChange<T extends VersionedTable, State>(
  tx: TxContext,
  kind: CaseKind<T, State>,
  row: VersionedRow<T>,
  change: {
    version: number;
    set: Partial<T['$inferInsert']>;
    action: `${string}.${string}`;
    reason?: string | null;
  },
): Promise<VersionedRow<T>> {
  checkVersion(row, change.version, kind.noun, kind.state(row));
  const table = kind.table as VersionedTable;
  const [updated] = await tx.db
    .update(table)
    .set({ ...change.set, version: row.version + 1, updatedAt: sql`now()` })
    .where(eq(table.id, row.id))
    .returning();
  const fields = Object.keys(change.set).filter((key) => !unaudited.has(key));
  await auditChange(tx, {
    action: change.action,
    targetType: kind.noun,
    before: row,
    after: updated as Record<string, unknown>,
    fields,
    reason: change.reason,
  });
  return updated as VersionedRow<T>;
}
