import { z } from 'zod';
import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { isServiceError } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import { assignReport } from './assign-report';
import { moveReport } from './move-report';
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
  db: Db,
  actor: Actor,
  input: unknown,
): Promise<{ changed: number; unchanged: number; skipped: number; message: string }> {
  requirePermission(actor, 'reports.triage');
  const data = parseInput(BulkInput, input);
  const tally = { changed: 0, unchanged: 0, skipped: 0 };
  for (const ref of data.reports) {
    try {
      const r =
        data.operation === 'assign'
          ? await assignReport(db, actor, { ...ref, assigneeId: data.assigneeId })
          : await moveReport(db, actor, { ...ref, to: 'resolved', resolution: 'duplicate' });
      tally[r.changed ? 'changed' : 'unchanged'] += 1;
    } catch (error) {
      if (isServiceError(error) && (error.code === 'conflict' || error.code === 'not_found')) tally.skipped += 1;
      else throw error;
    }
  }
  const verb = data.operation === 'assign' ? 'assigned' : 'closed as duplicate';
  const parts = [`${tally.changed} ${verb}`];
  if (tally.unchanged > 0) parts.push(`${tally.unchanged} already ${verb}`);
  if (tally.skipped > 0) parts.push(`${tally.skipped} skipped (changed by someone else or closed)`);
  return { ...tally, message: `${parts.join(', ')}.` };
}
