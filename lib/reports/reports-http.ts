import { z } from 'zod';
import { getDb, type Db } from '@/db/client';
import { authenticateApiKey, refuseMisplacedApiKey } from '@/lib/api-keys/authenticate-api-key';
import { invalid, isServiceError, notFound } from '@/lib/errors';
import { ApiError } from '@/lib/http/api-error';
import { apiCaller } from '@/lib/http/api-caller';
import { handleApi, json } from '@/lib/http/api-response';
import { clientIp } from '@/lib/http/client-ip';
import { withDeadline } from '@/lib/http/database-errors';
import { assignReport } from '@/lib/services/reports/assign-report';
import { fileReport } from '@/lib/services/reports/file-report';
import { moveReport } from '@/lib/services/reports/move-report';
import { publicReportStatus } from './public-status';

interface Options {
  db?: () => Promise<Db>;
}

const maxBodyBytes = 64 * 1024;

async function jsonBody(request: Request): Promise<unknown> {
  if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json')) throw new ApiError(415, 'unsupported_media_type', 'Send JSON (Content-Type: application/json).');
  const text = await request.text();
  if (Buffer.byteLength(text) > maxBodyBytes) throw new ApiError(413, 'too_large', `The body is over ${maxBodyBytes} bytes.`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'invalid_json', 'The body is not valid JSON.');
  }
}

/** POST /api/v1/reports — public; an API key with reports:write (the platform's apps) skips the per-IP limit. */
export function handleFileReport(request: Request, options: Options = {}): Promise<Response> {
  return handleApi(request, () =>
    withDeadline(
      (async () => {
        refuseMisplacedApiKey(request);
        const db = await (options.db ?? getDb)();
        const trustedApp = request.headers.has('authorization') ? (await authenticateApiKey(db, request, 'reports:write'), true) : false;
        const body = await jsonBody(request);
        return json(await fileReport(db, body, { source: 'api', clientIp: clientIp(request), trustedApp }), 201);
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
        return json(await publicReportStatus(db, body, clientIp(request)));
      })(),
    ),
  );
}

// The services check each value and name what is wrong; here only the shape of the change is decided.
const PatchBody = z.union([
  z.object({ status: z.unknown(), resolution: z.unknown().optional(), note: z.unknown().optional(), version: z.unknown().optional() }).strict(),
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
  return handleApi(request, () =>
    withDeadline(
      (async () => {
        const db = await (options.db ?? getDb)();
        if (request.headers.has('authorization')) throw new ApiError(403, 'forbidden', 'API keys file reports; staff work them, signed in.');
        const actor = await apiCaller(db, request, 'reports:write');
        if (!z.uuid().safeParse(reportId).success) throw notFound('No such report.'); // a guessed id: the same 404 as a missing one
        const parsed = PatchBody.safeParse(await jsonBody(request));
        if (!parsed.success) throw invalid('Send either { status, resolution?, note?, version } or { assigneeId, version }.', { _: ['one change per request: status or assigneeId, with version'] });
        const change = parsed.data;
        if ('assigneeId' in change) return json(await assignReport(db, actor, { reportId, version: change.version, assigneeId: change.assigneeId }));
        try {
          return json(await moveReport(db, actor, { reportId, version: change.version, to: change.status, resolution: change.resolution, note: change.note }));
        } catch (error) {
          // The service calls the target status `to`; this API calls it `status`.
          if (isServiceError(error) && error.fieldErrors?.to) {
            const { to, ...rest } = error.fieldErrors;
            throw invalid(error.message, { ...rest, status: to });
          }
          throw error;
        }
      })(),
    ),
  );
}
