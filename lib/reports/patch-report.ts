import { z } from 'zod';
import type { ServiceContext } from '@/lib/context';
import { invalid, isServiceError } from '@/lib/errors';
import { parseApiChange } from '@/lib/workflow/api-change';
import { assignReport } from './assign-report';
import { moveReport } from './move-report';

// The verbs check each value and name what is wrong; here only the shape of the change is decided.
const ReportPatch = z.union([
  z
    .object({
      status: z.unknown(),
      resolution: z.unknown().optional(),
      note: z.unknown().optional(),
      version: z.unknown().optional(),
    })
    .strict(),
  z.object({ assigneeId: z.unknown(), version: z.unknown().optional() }).strict(),
]);

/**
 * PATCH /api/v1/reports/{id}: `{ status, resolution?, note?, version }` moves the report along the workflow;
 * `{ assigneeId | null, version }` assigns it.
 */
export async function patchReport(ctx: ServiceContext, reportId: string, body: unknown) {
  const change = parseApiChange(reportId, body, {
    missing: 'No such report.',
    body: ReportPatch,
    shapes: 'either { status, resolution?, note?, version } or { assigneeId, version }',
  });
  if ('assigneeId' in change) {
    return assignReport(ctx, { reportId, version: change.version, assigneeId: change.assigneeId });
  }
  try {
    return await moveReport(ctx, {
      reportId,
      version: change.version,
      to: change.status,
      resolution: change.resolution,
      note: change.note,
    });
  } catch (error) {
    // The verb calls the target status `to`; this API calls it `status`.
    if (isServiceError(error) && error.fieldErrors?.to) {
      const { to, ...rest } = error.fieldErrors;
      throw invalid(error.message, { ...rest, status: to });
    }
    throw error;
  }
}
