import { z } from 'zod';
import type { Db } from '@/db/client';
import { reportResolutions, reportStatuses } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { storableText } from '@/lib/text';
import { parseInput } from '@/lib/validation';
import { allowedReportMoves, changeReport, ReportRef, type ReportChangeResult } from './report-workflow';

const MoveInput = ReportRef.extend({
  to: z.enum(reportStatuses, { error: `must be one of ${reportStatuses.join(', ')}` }),
  resolution: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z.enum(reportResolutions, { error: `must be one of ${reportResolutions.join(', ')}` }).optional(),
  ),
  note: z.preprocess((v) => (typeof v === 'string' && v.trim() === '' ? undefined : v), storableText(1000).optional()),
}).refine((m) => m.to !== 'resolved' || m.resolution !== undefined, {
  path: ['resolution'],
  message: 'is required to resolve a report',
});

const labels: Record<string, string> = {
  triaged: 'triaged',
  investigating: 'under investigation',
  awaiting_customer: 'waiting for the customer',
  resolved: 'resolved',
  rejected: 'rejected as spam',
  new: 'new',
};

/** A status move along the workflow: no skipped steps, a resolution to resolve, final once closed. */
export async function moveReport(db: Db, actor: Actor, input: unknown): Promise<ReportChangeResult> {
  requirePermission(actor, 'reports.triage');
  const data = parseInput(MoveInput, input);
  const closing = data.to === 'resolved' || data.to === 'rejected';
  return changeReport(db, actor, data, {
    action: `report.${data.to === 'awaiting_customer' ? 'await_customer' : data.to === 'investigating' ? 'investigate' : data.to === 'triaged' ? 'triage' : data.to === 'resolved' ? 'resolve' : 'reject'}`,
    alreadyDone: (r) => (r.status === data.to ? `The report is already ${labels[data.to]}; nothing changed.` : null),
    refuse: (r) =>
      allowedReportMoves[r.status].includes(data.to)
        ? null
        : `A report that is ${labels[r.status]} cannot become ${labels[data.to]}.`,
    set: closing
      ? { status: data.to, resolution: data.to === 'resolved' ? data.resolution : null, closedAt: new Date() }
      : { status: data.to },
    reason: data.note ?? (data.resolution ? data.resolution.replaceAll('_', ' ') : null),
    done: `Report ${labels[data.to]}.`,
  });
}
