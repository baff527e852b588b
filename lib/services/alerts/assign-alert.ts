import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { staffUsers } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { invalid } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import { AlertRef, changeAlert, type AlertChangeResult } from './alert-workflow';

const AssignInput = AlertRef.extend({ assigneeId: z.uuid('is not a staff id').nullable() });

/** Sets who works the alert (an active agent or admin), or nobody. Closed alerts keep their assignee. */
export async function assignAlert(db: Db, actor: Actor, input: { alertId: string; version: number | string; assigneeId: string | null }): Promise<AlertChangeResult> {
  requirePermission(actor, 'alerts.manage');
  const data = parseInput(AssignInput, input);
  let name = 'nobody';
  if (data.assigneeId) {
    const [staff] = await db
      .select({ name: staffUsers.name })
      .from(staffUsers)
      .where(and(eq(staffUsers.id, data.assigneeId), eq(staffUsers.disabled, false), inArray(staffUsers.role, ['agent', 'admin'])));
    if (!staff) throw invalid('Invalid input: assigneeId', { assigneeId: ['is not an active agent or admin'] });
    name = staff.name;
  }
  return changeAlert(db, actor, data, {
    action: 'alert.assign',
    alreadyDone: (a) => (a.assigneeId === data.assigneeId ? `Already assigned to ${name}; nothing changed.` : null),
    refuse: (a) => (a.status === 'resolved' || a.status === 'dismissed' ? `This alert is ${a.status}; it can no longer be assigned.` : null),
    set: { assigneeId: data.assigneeId },
    done: data.assigneeId ? `Assigned to ${name}.` : 'Unassigned.',
  });
}
