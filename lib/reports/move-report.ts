import { z } from 'zod';
import { reportResolutions, reportStatuses } from '@/db/schema';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { conflict } from '@/lib/errors';
import { storableText } from '@/lib/text';
import { parseInput } from '@/lib/validation';
import { commitChange, lockForChange } from '@/lib/workflow/versioned';
import { allowedReportMoves, reportCase, ReportRef, reportState, type ReportChangeResult } from './report-workflow';

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

const actionOf = {
  new: 'new',
  triaged: 'triage',
  investigating: 'investigate',
  awaiting_customer: 'await_customer',
  resolved: 'resolve',
  rejected: 'reject',
} as const;

/** A status move along the workflow: no skipped steps, a resolution to resolve, final once closed. */
export async function moveReport(ctx: ServiceContext, input: unknown): Promise<ReportChangeResult> {
  authorize(ctx, 'reports.triage');
  return moveReportTo(ctx, parseInput(MoveInput, input));
}

/** The move itself, for a verb that has checked the permission and parsed the input (bulk close). */
export function moveReportTo(ctx: ServiceContext, data: z.infer<typeof MoveInput>): Promise<ReportChangeResult> {
  const closing = data.to === 'resolved' || data.to === 'rejected';
  return withTransaction(ctx, async (tx) => {
    const report = await lockForChange(tx, reportCase, data.reportId);
    if (report.status === data.to) {
      const message = `The report is already ${labels[data.to]}; nothing changed.`;
      return { changed: false, message, report: reportState(report) };
    }
    if (!allowedReportMoves[report.status].includes(data.to))
      throw conflict(
        `A report that is ${labels[report.status]} cannot become ${labels[data.to]}.`,
        reportState(report),
      );
    const updated = await commitChange(tx, reportCase, report, {
      version: data.version,
      set: closing
        ? { status: data.to, resolution: data.to === 'resolved' ? data.resolution : null, closedAt: new Date() }
        : { status: data.to },
      // Moving to `new` is never allowed (no status moves back to it), so `report.new` is never written.
      action: `report.${actionOf[data.to]}`,
      reason: data.note ?? (data.resolution ? data.resolution.replaceAll('_', ' ') : null),
    });
    return { changed: true, message: `Report ${labels[data.to]}.`, report: reportState(updated) };
  });
}
