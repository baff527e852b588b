import { z } from 'zod';
import { authorize, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/validation';
import { bulkSummary, changeEach } from '@/lib/workflow/bulk';
import { assignReportTo } from './assign-report';
import { moveReportTo } from './move-report';
import { ReportRef } from './report-workflow';

const BulkInput = z.discriminatedUnion('operation', [
  z.object({
    operation: z.literal('assign'),
    reports: z.array(ReportRef).min(1, 'select at least one report').max(200),
    assigneeId: z.uuid('is not a staff id'),
  }),
  z.object({
    operation: z.literal('close_duplicate'),
    reports: z.array(ReportRef).min(1, 'select at least one report').max(200),
  }),
]);

/** Bulk assign, or bulk close as duplicate (resolved, resolution duplicate): each report on its own, the summary says which were skipped. */
export async function bulkReports(
  ctx: ServiceContext,
  input: unknown,
): Promise<{ changed: number; unchanged: number; skipped: number; message: string }> {
  authorize(ctx, 'reports.triage');
  const data = parseInput(BulkInput, input);
  const tally = await changeEach(data.reports, (ref) =>
    data.operation === 'assign'
      ? assignReportTo(ctx, { ...ref, assigneeId: data.assigneeId })
      : moveReportTo(ctx, { ...ref, to: 'resolved', resolution: 'duplicate', note: undefined }),
  );
  const verb = data.operation === 'assign' ? 'assigned' : 'closed as duplicate';
  return { ...tally, message: bulkSummary(tally, verb, 'changed by someone else or closed') };
}
