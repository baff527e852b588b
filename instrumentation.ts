import type { Instrumentation } from 'next';

/**
 * Opens the database when the server starts, so the embedded engine's lock is held from the first moment,
 * then starts, in this same process, the outbox worker (webhooks, customer notices, notification channels), the
 * detection backlog sweep (work a stopped or crashed server left unfinished), the notification scan
 * (escalations, SLA breaches, a quiet platform), the push to Admin → Streams destinations, the rule backtests and
 * the data lifecycle (event partitions ahead, the daily retention run). They are imported
 * here, not at the top, so the edge bundle never pulls in database code.
 */
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { database, getDb } = await import('./lib/database');
  await database();
  if (process.env.NEXT_PHASE === 'phase-production-build') return; // no deliveries from build workers
  const { startOutboxWorker } = await import('./lib/outbox/worker');
  startOutboxWorker(getDb);
  const { startDetectionSweeper } = await import('./lib/detection/backlog');
  startDetectionSweeper(getDb);
  const { startNotificationScan } = await import('./lib/notifications/scan');
  startNotificationScan(getDb);
  const { startStreamPush } = await import('./lib/streams/destinations');
  startStreamPush(getDb);
  const { startBacktestWorker } = await import('./lib/detection/backtest-jobs');
  startBacktestWorker(getDb);
  const { startLifecycleLoop } = await import('./lib/retention/loop');
  startLifecycleLoop(getDb);
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
