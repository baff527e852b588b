import type { Db } from '@/db/client';
import { log } from '@/lib/log/logger';
import { deliverDue, type DeliverOptions, type DeliveryPass } from './deliver';

/*
 * The outbox worker lives inside the server process (no extra process to start): one pass at a time, about
 * once a second, straight away again while passes deliver something (an account's next row becomes due
 * only once the one before it is out). Its timer is unref'd so it never keeps a process alive. Several
 * Vigil servers may each run one: the claim in deliverDue keeps them from taking the same row.
 */

export interface OutboxWorker {
  /** Stops scheduling passes and waits for the one in progress. */
  stop(): Promise<void>;
}

export interface OutboxWorkerOptions {
  intervalMs?: number;
  /** Wait after a failed pass (the database unreachable, say), so the log is not flooded. */
  errorIntervalMs?: number;
  deliver?: (db: Db, options?: DeliverOptions) => Promise<DeliveryPass>;
}

const globalForWorker = globalThis as unknown as { vigilOutboxWorker?: OutboxWorker };

export function startOutboxWorker(getDb: () => Promise<Db>, options: OutboxWorkerOptions = {}): OutboxWorker {
  // Next may evaluate instrumentation in more than one bundle of the same process: one worker per process.
  if (globalForWorker.vigilOutboxWorker) return globalForWorker.vigilOutboxWorker;
  const { intervalMs = 1000, errorIntervalMs = 10_000, deliver = deliverDue } = options;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  const schedule = (delayMs: number) => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = pass().finally(() => {
        inFlight = undefined;
      });
    }, delayMs);
    timer.unref();
  };

  const pass = async () => {
    try {
      const result = await deliver(await getDb());
      schedule(result.delivered > 0 ? 0 : intervalMs);
    } catch (error) {
      log.error('outbox delivery pass failed', { error });
      schedule(errorIntervalMs);
    }
  };

  const worker: OutboxWorker = {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      if (globalForWorker.vigilOutboxWorker === worker) globalForWorker.vigilOutboxWorker = undefined;
    },
  };
  globalForWorker.vigilOutboxWorker = worker;
  schedule(0);
  return worker;
}
