import { z } from 'zod';
import { authorize, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/validation';
import { assignCase } from '@/lib/workflow/assign-case';
import { reportCase, ReportRef, type ReportChangeResult } from './report-workflow';

const AssignInput = ReportRef.extend({ assigneeId: z.uuid('is not a staff id').nullable() });

/** Claim (assign to oneself), assign to another agent or admin, or unassign. */
export async function assignReport(ctx: ServiceContext, input: unknown): Promise<ReportChangeResult> {
  authorize(ctx, 'reports.triage');
  return assignReportTo(ctx, parseInput(AssignInput, input));
}

/** The assignment itself, for a verb that has checked the permission and parsed the input (bulk assign). */
export async function assignReportTo(
  ctx: ServiceContext,
  data: z.infer<typeof AssignInput>,
): Promise<ReportChangeResult> {
  const { changed, message, state } = await assignCase(ctx, reportCase, { ...data, id: data.reportId });
  return { changed, message, report: state };
}
