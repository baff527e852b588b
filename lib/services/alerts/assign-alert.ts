import { z } from 'zod';
import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { assigneeName } from '@/lib/staff/assignee-name';
import { parseInput } from '@/lib/validation';
import { AlertRef, changeAlert, type AlertChangeResult } from './alert-workflow';

const AssignInput = AlertRef.extend({ assigneeId: z.uuid('is not a staff id').nullable() });

/** Sets who works the alert (an active agent or admin), or nobody. Closed alerts keep their assignee. */
export async function assignAlert(
  db: Db,
  actor: Actor,
  input: { alertId: string; version: number | string; assigneeId: string | null },
): Promise<AlertChangeResult> {
  requirePermission(actor, 'alerts.manage');
  const data = parseInput(AssignInput, input);
  const name = await assigneeName(db, data.assigneeId);
  return changeAlert(db, actor, data, {
    action: 'alert.assign',
    alreadyDone: (a) => (a.assigneeId === data.assigneeId ? `Already assigned to ${name}; nothing changed.` : null),
    refuse: (a) =>
      a.status === 'resolved' || a.status === 'dismissed'
        ? `This alert is ${a.status}; it can no longer be assigned.`
        : null,
    set: { assigneeId: data.assigneeId },
    done: data.assigneeId ? `Assigned to ${name}.` : 'Unassigned.',
  });
}
