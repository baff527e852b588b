import { z } from 'zod';
import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { assigneeName } from '@/lib/staff/assignee-name';
import { parseInput } from '@/lib/validation';
import { changeReport, ReportRef, type ReportChangeResult } from './report-workflow';

const AssignInput = ReportRef.extend({ assigneeId: z.uuid('is not a staff id').nullable() });

/** Claim (assign to oneself), assign to another agent or admin, or unassign. */
export async function assignReport(db: Db, actor: Actor, input: unknown): Promise<ReportChangeResult> {
  requirePermission(actor, 'reports.triage');
  const data = parseInput(AssignInput, input);
  const name = await assigneeName(db, data.assigneeId);
  return changeReport(db, actor, data, {
    action: 'report.assign',
    alreadyDone: (r) => (r.assigneeId === data.assigneeId ? `Already assigned to ${name}; nothing changed.` : null),
    refuse: (r) =>
      r.status === 'resolved' || r.status === 'rejected'
        ? `This report is ${r.status}; it can no longer be assigned.`
        : null,
    set: { assigneeId: data.assigneeId },
    done: data.assigneeId ? `Assigned to ${name}.` : 'Unassigned.',
  });
}
