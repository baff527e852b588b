import type { Instrumentation } from 'next';

/** Opens the database when the server starts, so the embedded engine's lock is held from the first moment. */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { database } = await import('./db/client');
  await database();
}

/** Unexpected errors: the details go to the server log with the request id; the client sees a generic page. */
export const onRequestError: Instrumentation.onRequestError = async (error, request, context) => {
  const { log } = await import('./lib/log/logger');
  const e = error as Error & { digest?: string };
  log.error('unhandled request error', {
    requestId: request.headers['x-request-id'],
    digest: e.digest,
    path: request.path,
    method: request.method,
    route: context.routePath,
    error: e,
  });
};
