import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { detectAndFinish } from '@/lib/detection/backlog';
import { scheduleDetection } from '@/lib/detection/queue';
import type { ServiceContext } from '@/lib/context';
import { isServiceError } from '@/lib/errors';
import { countIngestBatch } from '@/lib/monitoring/metrics';
import type { IngestEvent } from './event-schema';
import { splitExpired, storeEvents, type StoreResult } from './store-events';
import { ensureMonths, forgetKnownPartitions, isMissingPartition, monthsOf } from '@/lib/retention/partitions';
import { validateBatch } from './validate-batch';

/**
 * The pipeline after validation: dedupe → store raw events → rollups, all in one transaction; then,
 * after commit, hand the touched accounts and IPs to detection (lib/detection/queue). The work is also on
 * record in the detection backlog, written in the same transaction, until detection has run it.
 */
export async function ingestBatch(
  db: Db,
  events: IngestEvent[],
  receivedAt = new Date(),
  options: { statementTimeoutMs?: number; awaitDetection?: boolean } = {},
): Promise<StoreResult> {
  // The months the batch stores into get their partitions first, outside the transaction (lib/retention/partitions.ts).
  const months = monthsOf(splitExpired(events, receivedAt).kept.map((e) => e.occurredAt));
  await ensureMonths(db, months);
  const store = () =>
    db.transaction(async (tx) => {
      // A statement stuck behind a lock is cancelled (and the batch rolled back) before the request's 5 s
      // deadline answers 503, so a batch the client was told failed never commits later.
      await tx.execute(sql.raw(`set local statement_timeout = ${Math.trunc(options.statementTimeoutMs ?? 4000)}`));
      return storeEvents(tx, events, receivedAt, { partitionsReady: true });
    });
  let result: StoreResult;
  try {
    result = await store();
  } catch (error) {
    // This process believed a month's partition existed, but it was dropped since (retention elsewhere, an
    // operator): learn again, make it, and store once more. The rolled-back attempt left nothing behind.
    if (!isMissingPartition(error)) throw error;
    forgetKnownPartitions(db);
    await ensureMonths(db, months);
    result = await store();
  }
  // The demo seed waits for detection, so its alerts exist when it returns; the API hands it off.
  if (options.awaitDetection) await detectAndFinish(db, result.detection, [result.backlogRow]);
  else scheduleDetection(db, result.detection, result.backlogRow);
  return result;
}

/**
 * POST /api/v1/events' verb: a parsed body checked against the contract (any invalid event refuses the whole
 * batch), then stored all-or-nothing; an event older than the raw-event retention window is counted as `expired`
 * and not stored, without refusing the rest. The caller's key and its `events:write` scope were checked by the route.
 */
export async function ingestEvents(
  ctx: ServiceContext,
  body: unknown,
): Promise<{ accepted: number; duplicates: number; expired: number }> {
  const started = performance.now();
  const seconds = () => (performance.now() - started) / 1000;
  try {
    const events = validateBatch(body);
    const result = await ingestBatch(ctx.db, events);
    const answer = { accepted: result.accepted, duplicates: result.duplicates, expired: result.expired };
    countIngestBatch('stored', seconds(), answer);
    return answer;
  } catch (error) {
    // Refused by the contract (400, 413) vs. could not be stored (the database, a bug).
    const refused = isServiceError(error) && (error.code === 'invalid' || error.code === 'too_large');
    countIngestBatch(refused ? 'rejected' : 'failed', seconds());
    throw error;
  }
}
