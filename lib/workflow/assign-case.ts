import { withTransaction, type ServiceContext } from '@/lib/context';
import { conflict } from '@/lib/errors';
import { assigneeName } from '@/lib/staff/assignee-name';
import { commitChange, lockForChange, type CaseKind, type VersionedTable } from './versioned';

/**
 * Sets who works an alert or a report (an active agent or admin), or nobody: the rules are the same for
 * both. The same assignee again changes nothing; a closed record keeps its assignee. The verb that calls
 * this has checked the permission.
 */
export async function assignCase<T extends VersionedTable, State>(
  ctx: ServiceContext,
  kind: CaseKind<T, State>,
  change: { id: string; version: number; assigneeId: string | null },
): Promise<{ changed: boolean; message: string; state: State }> {
  const name = await assigneeName(ctx.db, change.assigneeId);
  return withTransaction(ctx, async (tx) => {
    const row = await lockForChange(tx, kind, change.id);
    if (row.assigneeId === change.assigneeId)
      return { changed: false, message: `Already assigned to ${name}; nothing changed.`, state: kind.state(row) };
    if (kind.closed.includes(row.status))
      throw conflict(`This ${kind.noun} is ${row.status}; it can no longer be assigned.`, kind.state(row));
    const updated = await commitChange(tx, kind, row, {
      version: change.version,
      set: { assigneeId: change.assigneeId } as Partial<T['$inferInsert']>,
      action: `${kind.noun}.assign`,
    });
    return {
      changed: true,
      message: change.assigneeId ? `Assigned to ${name}.` : 'Unassigned.',
      state: kind.state(updated),
    };
  });
}
