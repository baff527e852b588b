import { log } from '@/lib/log/logger';

export interface StoredBatch {
  accountIds: string[];
  ips: string[];
}

type BatchListener = (batch: StoredBatch) => Promise<void>;
const listeners: BatchListener[] = [];

/** Where detection plugs in: called after a batch commits, so it sees the events of concurrent batches too. */
export function onBatchStored(listener: BatchListener): void {
  listeners.push(listener);
}

export function notifyBatchStored(batch: StoredBatch): void {
  if (batch.accountIds.length === 0) return;
  for (const listener of listeners) {
    listener(batch).catch((error: unknown) => log.error('batch listener failed', { error }));
  }
}
