import type { Db } from '@/db/client';
import { log } from '@/lib/log/logger';
import { runDetection } from './run-detection';
import { emptyWork, mergeWork, workSize, type DetectionWork } from './work';

/*
 * Detection runs after a batch commits, off the request path. Batches that arrive while a run is busy are
 * coalesced: the next run takes every subject touched since, once. One run at a time per process; across
 * processes the per-subject advisory locks keep runs on the same account or IP apart.
 */
interface QueueState {
  pending: DetectionWork;
  running: Promise<void> | null;
}

const globalForQueue = globalThis as unknown as { vigilDetectionQueue?: QueueState };
const state: QueueState = (globalForQueue.vigilDetectionQueue ??= { pending: emptyWork(), running: null });

async function drain(db: Db): Promise<void> {
  while (workSize(state.pending) > 0) {
    const work = state.pending;
    state.pending = emptyWork();
    try {
      const outcome = await runDetection(db, work);
      if (outcome.opened > 0 || outcome.updated > 0) log.info('detection raised alerts', { ...outcome, subjects: workSize(work) });
    } catch (error) {
      log.error('detection run failed', { error, subjects: workSize(work) });
    }
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

/** Resolves when every scheduled run has finished (tests, the seed and graceful shutdown wait on it). */
export async function detectionIdle(): Promise<void> {
  while (state.running) await state.running;
}
