import { z } from 'zod';
import { getDb, type Db } from '@/db/client';
import { authenticateApiKey, refuseMisplacedApiKey } from '@/lib/api-keys/authenticate-api-key';
import { invalid, isServiceError } from '@/lib/errors';
import { handleApi, json } from '@/lib/http/api-response';
import { clientIp } from '@/app/_adapters/client-ip';
import { withDeadline } from '@/lib/http/database-errors';
import { jsonBody } from '@/lib/http/json-body';
import { handleStaffChange } from '@/lib/http/staff-change';
import { serviceContext } from '@/lib/context';
import { assignReport } from './assign-report';
import { fileReport } from './file-report';
import { moveReport } from './move-report';
import { publicReportStatus } from './public-status';

interface Options {
  db?: () => Promise<Db>;
}

/** POST /api/v1/reports — public; an API key with reports:write (the platform's apps) skips the per-IP limit. */
export function handleFileReport(request: Request, options: Options = {}): Promise<Response> {
  return handleApi(request, () =>
    withDeadline(
      (async () => {
        refuseMisplacedApiKey(request);
        const db = await (options.db ?? getDb)();
        const trustedApp = request.headers.has('authorization')
          ? (await authenticateApiKey(db, request, 'reports:write'), true)
          : false;
        const body = await jsonBody(request);
        return json(
          await fileReport(db, body, { source: 'api', clientIp: clientIp(request.headers), trustedApp }),
          201,
        );
      })(),
    ),
  );
}

/** POST /api/v1/reports/status — `{ reference, contact }` in the body, never in a URL or a log. */
export function handleReportStatus(request: Request, options: Options = {}): Promise<Response> {
  return handleApi(request, () =>
    withDeadline(
      (async () => {
        const db = await (options.db ?? getDb)();
        const body = await jsonBody(request);
        return json(await publicReportStatus(db, body, clientIp(request.headers)));
      })(),
    ),
  );
}

// The services check each value and name what is wrong; here only the shape of the change is decided.
const PatchBody = z.union([
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
 * PATCH /api/v1/reports/{id} — staff only, the report page's workflow over HTTP (API keys file reports,
 * they do not work them). One change a request: `{ status, resolution?, note?, version }` moves the report
 * along the workflow; `{ assigneeId | null, version }` assigns it → 200 with the result. 400 names what is
 * wrong (a resolution is required to resolve); 409 is a skipped step or a stale version, with the report as
 * it is now in `current`; 404 an unknown report.
 */
export function handleReportPatch(request: Request, reportId: string, options: Options = {}): Promise<Response> {
  return handleStaffChange(request, reportId, options, {
    keyRefusal: 'API keys file reports; staff work them, signed in.',
    missing: 'No such report.',
    body: PatchBody,
    shapes: 'either { status, resolution?, note?, version } or { assigneeId, version }',
    apply: async (db, actor, change) => {
      if ('assigneeId' in change)
        return assignReport(serviceContext(db, actor), {
          reportId,
          version: change.version,
          assigneeId: change.assigneeId,
        });
      try {
        return await moveReport(serviceContext(db, actor), {
          reportId,
          version: change.version,
          to: change.status,
          resolution: change.resolution,
          note: change.note,
        });
      } catch (error) {
        // The service calls the target status `to`; this API calls it `status`.
        if (isServiceError(error) && error.fieldErrors?.to) {
          const { to, ...rest } = error.fieldErrors;
          throw invalid(error.message, { ...rest, status: to });
        }
        throw error;
      }
    },
  });
}
