import { and, eq, inArray } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { staffUsers } from '@/db/schema';
import { invalid } from '@/lib/errors';

/**
 * Who alerts and reports can be assigned to: an active agent or admin. Returns the name to say in the
 * result, "nobody" for an unassignment; anyone else is an invalid assignee. A step of the alert
 * and report assign verbs, which have authorized already.
 */
export async function assigneeName(db: DbOrTx, assigneeId: string | null): Promise<string> {
  if (!assigneeId) return 'nobody';
  const [staff] = await db
    .select({ name: staffUsers.name })
    .from(staffUsers)
    .where(
      and(eq(staffUsers.id, assigneeId), eq(staffUsers.disabled, false), inArray(staffUsers.role, ['agent', 'admin'])),
    );
  if (!staff) throw invalid('Invalid input: assigneeId', { assigneeId: ['is not an active agent or admin'] });
  return staff.name;
}
