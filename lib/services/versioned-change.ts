import type { Tx } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { recordAuditLegacy } from '@/lib/audit/record-audit';
import { conflict } from '@/lib/errors';

/** A row staff change under optimistic locking. */
interface Versioned {
  id: string;
  version: number;
}

export interface VersionedChange<Row extends Versioned, State> {
  /** The audit target type and the word in messages: `alert`, `report`. */
  target: string;
  /** The audit action, e.g. `alert.resolve`. */
  action: string;
  /** The version the caller saw. */
  version: number;
  /** Reads the row FOR UPDATE (throws not found). */
  lock: (tx: Tx) => Promise<Row>;
  /** Writes the change with the next version; returns the updated row. */
  write: (tx: Tx, row: Row) => Promise<Row>;
  /** What a conflict or a result shows of the row. */
  state: (row: Row) => State;
  /** The fields the change sets, for the audit row's before and after. */
  auditKeys: readonly (keyof Row)[];
  alreadyDone?: (row: Row) => string | null;
  refuse?: (row: Row) => string | null;
  after?: (tx: Tx, row: Row) => Promise<void>;
  reason?: string | null;
  done: string;
}

/**
 * One staff change to one row, inside the caller's transaction, with its audit row: lock the row; a change
 * already in place is reported, not repeated; a move the workflow forbids is a conflict; otherwise the
 * caller's version must be the current one (two people on the same version: one wins, the other gets a
 * conflict with the fresh state). Alerts and reports both go through here.
 */
export async function applyVersionedChange<Row extends Versioned, State>(
  tx: Tx,
  actor: Actor,
  c: VersionedChange<Row, State>,
): Promise<{ changed: boolean; message: string; state: State }> {
  const row = await c.lock(tx);
  const already = c.alreadyDone?.(row);
  if (already) return { changed: false, message: already, state: c.state(row) };
  const refusal = c.refuse?.(row);
  if (refusal) throw conflict(refusal, c.state(row));
  if (row.version !== c.version)
    throw conflict(
      `Someone changed this ${c.target} since you loaded it. Here is how it is now; try again if it still applies.`,
      c.state(row),
    );
  const updated = await c.write(tx, row);
  await c.after?.(tx, row);
  const before: Record<string, unknown> = {};
  const after: Record<string, unknown> = {};
  for (const key of c.auditKeys) {
    before[key as string] = row[key];
    after[key as string] = updated[key];
  }
  await recordAuditLegacy(tx, actor, {
    action: c.action as `${string}.${string}`,
    targetType: c.target,
    targetId: row.id,
    reason: c.reason ?? null,
    before,
    after,
  });
  return { changed: true, message: c.done, state: c.state(updated) };
}
