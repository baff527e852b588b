import { randomUUID } from 'node:crypto';
import { isServiceError, type ServiceErrorCode } from '@/lib/errors';
import { log } from '@/lib/log/logger';
import { ApiError } from './api-error';
import { isDatabaseUnavailable } from './database-errors';

const statusOf: Record<ServiceErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  timeout: 408,
  rate_limited: 429,
  unavailable: 503,
};

export function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

/**
 * The one place machine-API errors become responses: typed errors keep their status; a database that is
 * down is a 503 with Retry-After; anything else is a generic 500 with a request id, details in the log.
 */
export async function handleApi(request: Request, work: () => Promise<Response>): Promise<Response> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ApiError)
      return json({ error: error.error, message: error.message, ...error.extra }, error.status, error.headers);
    if (isServiceError(error))
      return json(
        { error: error.code, message: error.message, fieldErrors: error.fieldErrors, current: error.current },
        statusOf[error.code],
      );
    const requestId = request.headers.get('x-request-id') ?? randomUUID();
    if (isDatabaseUnavailable(error)) {
      log.warn('database unavailable', { requestId, path: new URL(request.url).pathname });
      return json({ error: 'unavailable', message: 'The database is unavailable. Retry shortly.', requestId }, 503, {
        'Retry-After': '5',
      });
    }
    log.error('unexpected API error', { requestId, path: new URL(request.url).pathname, error });
    return json(
      { error: 'internal_error', message: 'Something went wrong. Quote the request id if it persists.', requestId },
      500,
    );
  }
}
