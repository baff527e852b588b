import type { Db } from '@/db/client';
import { startBackgroundLoop, type BackgroundLoop } from '@/lib/background/loop';
import { deliverDue, type DeliverOptions, type DeliveryPass } from './deliver';

/*
 * The outbox worker: a background loop (lib/background/loop) that delivers due rows about once a second,
 * and straight away again while passes deliver something (an account's next row becomes due only once the
 * one before it is out). The claim in deliverDue keeps several Vigil servers from taking the same row.
 */

export type OutboxWorker = BackgroundLoop;

export interface OutboxWorkerOptions {
  intervalMs?: number;
  /** Wait after a failed pass (the database unreachable, say), so the log is not flooded. */
  errorIntervalMs?: number;
  deliver?: (db: Db, options?: DeliverOptions) => Promise<DeliveryPass>;
}

export function startOutboxWorker(getDb: () => Promise<Db>, options: OutboxWorkerOptions = {}): OutboxWorker {
  const { intervalMs = 1000, errorIntervalMs = 10_000, deliver = deliverDue } = options;
  return startBackgroundLoop('outbox', getDb, async (db) => (await deliver(db)).delivered > 0, {
    intervalMs,
    errorIntervalMs,
    failureMessage: 'outbox delivery pass failed',
  });
}
