import type { Db } from '@/db/client';
import { log } from '@/lib/log/logger';
import { finishBacklog, holdBacklogRows, releaseBacklogRows } from './backlog';
import { runDetection } from './run-detection';
import { emptyWork, mergeWork, workSize, type DetectionWork } from './work';

/*
 * Detection runs after a batch commits, off the request path. Batches that arrive while a run is busy are
 * coalesced: the next run takes every subject touched since, once. One run at a time per process; across
 * processes the per-subject advisory locks keep runs on the same account or IP apart. A run that fails (the
 * database hiccuped) is retried a few times, subject by subject where only part of it failed. The batches'
 * rows in the detection backlog are deleted once their work ran to the end; work this process never
 * finishes (it stopped, crashed or gave up) stays there for the backlog sweep (lib/detection/backlog).
 */
interface QueueState {
  pending: DetectionWork;
  /** The backlog rows of the pending work. */
  pendingRows: number[];
  running: Promise<void> | null;
  /** Runs waiting for their retry (or retrying): `detectionIdle` waits for them too. */
  retries: Set<Promise<void>>;
}

const globalForQueue = globalThis as unknown as { vigilDetectionQueue?: QueueState };
const state: QueueState = (globalForQueue.vigilDetectionQueue ??= {
  pending: emptyWork(),
  pendingRows: [],
  running: null,
  retries: new Set(),
});

const maxAttempts = 4;
const retryDelayMs = 2000;

async function attempt(db: Db, work: DetectionWork, attemptNo: number, rows: number[]): Promise<void> {
  try {
    const outcome = await runDetection(db, work);
    if (outcome.opened > 0 || outcome.updated > 0)
      log.info('detection raised alerts', {
        opened: outcome.opened,
        updated: outcome.updated,
        subjects: workSize(work),
      });
    if (outcome.failed) retryLater(db, outcome.failed, attemptNo + 1, rows, 'part of the run failed');
    else await forget(db, rows);
  } catch (error) {
    retryLater(db, work, attemptNo + 1, rows, error);
  }
}

/** The rows' work is done: they leave the backlog (if that fails, a sweep runs the work again, which is harmless). */
async function forget(db: Db, rows: number[]): Promise<void> {
  try {
    await finishBacklog(db, rows);
  } catch (error) {
    log.warn('could not clear finished detection work from the backlog; a sweep will run it again', {
      error,
      rows: rows.length,
    });
  }
}

function retryLater(db: Db, work: DetectionWork, attemptNo: number, rows: number[], error: unknown): void {
  if (attemptNo > maxAttempts) {
    log.error('detection gave up on subjects after retries; the backlog sweep will try again', {
      error,
      subjects: workSize(work),
      attempts: maxAttempts,
    });
    releaseBacklogRows(rows);
    return;
  }
  log.warn('detection run failed; will retry', { error, subjects: workSize(work), attempt: attemptNo });
  const retry = new Promise<void>((resolve) => setTimeout(resolve, retryDelayMs * attemptNo).unref()).then(() =>
    attempt(db, work, attemptNo, rows),
  );
  state.retries.add(retry);
  void retry.finally(() => state.retries.delete(retry));
}

async function drain(db: Db): Promise<void> {
  while (workSize(state.pending) > 0) {
    const work = state.pending;
    const rows = state.pendingRows;
    state.pending = emptyWork();
    state.pendingRows = [];
    await attempt(db, work, 1, rows);
  }
}

/** Hands a stored batch's subjects to detection; returns at once. */
export function scheduleDetection(db: Db, work: DetectionWork, backlogRow?: number | null): void {
  if (workSize(work) === 0) return;
  mergeWork(state.pending, work);
  if (backlogRow != null) {
    state.pendingRows.push(backlogRow);
    holdBacklogRows([backlogRow]);
  }
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
