import { getDb, type Db } from '@/db/client';
import { authenticateApiKey, refuseMisplacedApiKey } from '@/lib/api-keys/authenticate-api-key';
import { ApiError } from '@/lib/http/api-error';
import { handleApi, json } from '@/lib/http/api-response';
import { clientIp } from '@/lib/http/client-ip';
import { withDeadline } from '@/lib/http/database-errors';
import { fileReport } from '@/lib/services/reports/file-report';
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
