import type { Db } from '@/db/client';
import { log } from '@/lib/log/logger';
import { runDetection } from './run-detection';
import { emptyWork, mergeWork, workSize, type DetectionWork } from './work';

/*
 * Detection runs after a batch commits, off the request path. Batches that arrive while a run is busy are
 * coalesced: the next run takes every subject touched since, once. One run at a time per process; across
 * processes the per-subject advisory locks keep runs on the same account or IP apart. A run that fails (the
 * database hiccuped) is retried a few times, subject by subject where only part of it failed.
 */
interface QueueState {
  pending: DetectionWork;
  running: Promise<void> | null;
  /** Runs waiting for their retry (or retrying): `detectionIdle` waits for them too. */
  retries: Set<Promise<void>>;
}

const globalForQueue = globalThis as unknown as { vigilDetectionQueue?: QueueState };
const state: QueueState = (globalForQueue.vigilDetectionQueue ??= { pending: emptyWork(), running: null, retries: new Set() });

const maxAttempts = 4;
const retryDelayMs = 2000;

async function attempt(db: Db, work: DetectionWork, attemptNo: number): Promise<void> {
  try {
    const outcome = await runDetection(db, work);
    if (outcome.opened > 0 || outcome.updated > 0) log.info('detection raised alerts', { opened: outcome.opened, updated: outcome.updated, subjects: workSize(work) });
    if (outcome.failed) retryLater(db, outcome.failed, attemptNo + 1, 'part of the run failed');
  } catch (error) {
    retryLater(db, work, attemptNo + 1, error);
  }
}

function retryLater(db: Db, work: DetectionWork, attemptNo: number, error: unknown): void {
  if (attemptNo > maxAttempts) {
    log.error('detection gave up on subjects after retries', { error, subjects: workSize(work), attempts: maxAttempts });
    return;
  }
  log.warn('detection run failed; will retry', { error, subjects: workSize(work), attempt: attemptNo });
  const retry = new Promise<void>((resolve) => setTimeout(resolve, retryDelayMs * attemptNo).unref()).then(() => attempt(db, work, attemptNo));
  state.retries.add(retry);
  void retry.finally(() => state.retries.delete(retry));
}

async function drain(db: Db): Promise<void> {
  while (workSize(state.pending) > 0) {
    const work = state.pending;
    state.pending = emptyWork();
    await attempt(db, work, 1);
  }
}

/** Hands a stored batch's subjects to detection; returns at once. */
export function scheduleDetection(db: Db, work: DetectionWork): void {
  if (workSize(work) === 0) return;
  mergeWork(state.pending, work);
  kick(db);
}

function kick(db: Db): void {
  if (state.running) return;
  state.running = drain(db).finally(() => {
    state.running = null;
    // Work that arrived between the last loop check and here would otherwise wait for the next batch.
    if (workSize(state.pending) > 0) kick(db);
  });
}

/** Resolves when every scheduled run, retries included, has finished (tests and graceful shutdown wait on it). */
export async function detectionIdle(): Promise<void> {
  while (state.running || state.retries.size > 0) await Promise.all([state.running, ...state.retries]);
}
