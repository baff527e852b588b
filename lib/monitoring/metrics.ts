import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { getDb, withDeadline } from '@/lib/database';
import { readQueueDepths } from './queue-depths';

/*
 * What GET /metrics (app/metrics/route.ts) exposes, in Prometheus' text format through prom-client. One
 * registry per process, kept on globalThis: Next evaluates this module once per route bundle, and the
 * ingest route that counts and the metrics route that reads must share the same counters.
 *
 * Counters and the histogram move with traffic; the queue gauges are read from the database at each
 * scrape. postgres.js (3.4.x) keeps its pool's open, busy and waiting queues private, so there is no
 * pool in-use / waiting series; `vigil_database_up` says whether the scrape's query got an answer.
 */

export type IngestBatchOutcome = 'stored' | 'rejected' | 'failed';

function createMetrics() {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    ingestBatches: new Counter({
      name: 'vigil_ingest_batches_total',
      help: 'Event batches that reached the ingest verb, by outcome: stored, rejected (against the contract: 400, 413) or failed (an error, e.g. the database).',
      labelNames: ['outcome'] as const,
      registers,
    }),
    ingestEvents: new Counter({
      name: 'vigil_ingest_events_total',
      help: 'Events of stored batches, by outcome: accepted (new), duplicate (an event id already stored) or expired (older than the raw-event retention window: not stored).',
      labelNames: ['outcome'] as const,
      registers,
    }),
    ingestBatchSeconds: new Histogram({
      name: 'vigil_ingest_batch_duration_seconds',
      help: 'Time to validate and store one event batch (detection runs after, off the request), by outcome.',
      labelNames: ['outcome'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    httpRequests: new Counter({
      name: 'vigil_http_requests_total',
      help: 'Requests answered by the API routes (app/_adapters/api-route.ts), by route template, method and status.',
      labelNames: ['route', 'method', 'status'] as const,
      registers,
    }),
    pageAdmissions: new Counter({
      name: 'vigil_page_admissions_total',
      help: "Page requests at the production server's page admission (app/_adapters/page-admission.ts), by outcome: admitted (at once or after waiting their turn) or refused (503, the queue full or the wait too long).",
      labelNames: ['outcome'] as const,
      registers,
    }),
    databaseUp: new Gauge({
      name: 'vigil_database_up',
      help: "1 when the database answered this scrape's queue query within 2 s, else 0.",
      registers,
    }),
    detectionBacklogRows: new Gauge({
      name: 'vigil_detection_backlog_rows',
      help: 'Stored batches whose detection has not finished (table detection_backlog). NaN when the database does not answer.',
      registers,
    }),
    detectionBacklogOldestSeconds: new Gauge({
      name: 'vigil_detection_backlog_oldest_age_seconds',
      help: 'Age of the oldest unfinished detection work; 0 when there is none.',
      registers,
    }),
    outboxPendingRows: new Gauge({
      name: 'vigil_outbox_pending_rows',
      help: 'Webhooks and customer notices not delivered yet, retries included (table outbox, status pending).',
      registers,
    }),
    outboxOldestPendingSeconds: new Gauge({
      name: 'vigil_outbox_oldest_pending_age_seconds',
      help: 'Age of the oldest undelivered outbox message; 0 when there is none.',
      registers,
    }),
    outboxPendingByDestination: new Gauge({
      name: 'vigil_outbox_destination_pending_rows',
      help: 'Undelivered outbox messages per destination: webhook (the platform), notice (customers), channel (the security team).',
      labelNames: ['destination'] as const,
      registers,
    }),
    outboxOldestByDestination: new Gauge({
      name: 'vigil_outbox_destination_oldest_pending_age_seconds',
      help: 'Age of the oldest undelivered outbox message per destination; 0 when there is none.',
      labelNames: ['destination'] as const,
      registers,
    }),
    channelsFailing: new Gauge({
      name: 'vigil_notification_channels_failing',
      help: 'Notification channels whose last delivery attempt failed.',
      registers,
    }),
  };
}

type VigilMetrics = ReturnType<typeof createMetrics>;

const globalForMetrics = globalThis as unknown as { vigilMetrics?: VigilMetrics };

function metrics(): VigilMetrics {
  return (globalForMetrics.vigilMetrics ??= createMetrics());
}

/** One event batch through `ingestEvents` (lib/ingest/ingest-batch.ts). */
export function countIngestBatch(
  outcome: IngestBatchOutcome,
  seconds: number,
  events?: { accepted: number; duplicates: number; expired?: number },
): void {
  const m = metrics();
  m.ingestBatches.inc({ outcome });
  m.ingestBatchSeconds.observe({ outcome }, seconds);
  if (events) {
    m.ingestEvents.inc({ outcome: 'accepted' }, events.accepted);
    m.ingestEvents.inc({ outcome: 'duplicate' }, events.duplicates);
    m.ingestEvents.inc({ outcome: 'expired' }, events.expired ?? 0);
  }
}

/** One answered API request (the hook in app/_adapters/api-route.ts). */
export function countHttpRequest(route: string, method: string, status: number): void {
  metrics().httpRequests.inc({ route, method, status: String(status) });
}

/** One page request through the production server's page admission. */
export function countPageAdmission(outcome: 'admitted' | 'refused'): void {
  metrics().pageAdmissions.inc({ outcome });
}

/**
 * The route's template rather than its path, so ids do not become series: each path segment equal to one of
 * the route's parameters becomes `[name]` (`/api/v1/alerts/7f3…` with `{ id }` → `/api/v1/alerts/[id]`).
 */
export function httpRouteLabel(pathname: string, params: Record<string, string | string[] | undefined>): string {
  const names = new Map<string, string>();
  for (const [name, value] of Object.entries(params)) if (typeof value === 'string') names.set(value, name);
  return pathname
    .split('/')
    .map((segment) => {
      let decoded = segment;
      try {
        decoded = decodeURIComponent(segment);
      } catch {
        // not percent-encoded text: compared as it is
      }
      const name = names.get(decoded);
      return name === undefined ? segment : `[${name}]`;
    })
    .join('/');
}

/** The exposition text of every series, with the queue gauges read from the database first. */
export async function renderMetrics(): Promise<{ contentType: string; text: string }> {
  const m = metrics();
  const depths = await withDeadline(getDb().then(readQueueDepths), 2000).catch(() => null);
  m.databaseUp.set(depths ? 1 : 0);
  m.detectionBacklogRows.set(depths?.detectionBacklogRows ?? NaN);
  m.detectionBacklogOldestSeconds.set(depths?.detectionBacklogOldestSeconds ?? NaN);
  m.outboxPendingRows.set(depths?.outboxPendingRows ?? NaN);
  m.outboxOldestPendingSeconds.set(depths?.outboxOldestPendingSeconds ?? NaN);
  for (const destination of ['webhook', 'notice', 'channel'] as const) {
    m.outboxPendingByDestination.set({ destination }, depths?.outboxByDestination[destination].pending ?? NaN);
    m.outboxOldestByDestination.set({ destination }, depths?.outboxByDestination[destination].oldestSeconds ?? NaN);
  }
  m.channelsFailing.set(depths?.channelsFailing ?? NaN);
  return { contentType: m.registry.contentType, text: await m.registry.metrics() };
}
