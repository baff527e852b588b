import type { Db } from '@/db/client';
import { notifyBatchStored } from './batch-listeners';
import type { IngestEvent } from './event-schema';
import { storeEvents, type StoreResult } from './store-events';

/**
 * The pipeline after validation: dedupe → store raw events → rollups, all in one transaction; then,
 * after commit, hand the touched accounts and IPs to detection.
 */
export async function ingestBatch(db: Db, events: IngestEvent[], receivedAt = new Date()): Promise<StoreResult> {
  const result = await db.transaction((tx) => storeEvents(tx, events, receivedAt));
  notifyBatchStored({ accountIds: result.accountIds, ips: result.ips });
  return result;
}
