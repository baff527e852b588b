import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { arrayOf, jsonb } from '@/db/sql-helpers';
import { startBackgroundLoop, type BackgroundLoop } from '@/lib/background/loop';
import { env } from '@/lib/env';
import { log } from '@/lib/log/logger';
import { runDetection, type DetectionOutcome } from './run-detection';
import { emptyWork, mergeWork, workFromJson, workToJson, type DetectionWork, type StoredWork } from './work';

/*
 * The detection backlog (table detection_backlog) makes the hand-over from ingest to detection durable.
 * A batch writes its work in its own transaction; the server that stored it runs detection right after
 * commit (lib/detection/queue) and then deletes the row. While it does, a lease keeps other servers off
 * the row. If that server stops or crashes first, or gives up after its retries, the lease runs out and the
 * sweep (a background loop on every server) claims the row and runs it again. Running work twice is
 * harmless: a rule's hit that is already on an alert changes nothing.
 */

/** How long the server that stored a batch has to run its detection before a sweep may take it over. */
const ownerLeaseSeconds = () => env().VIGIL_DETECTION_LEASE_SECONDS;
const rowsPerSweep = 20;

/** The batch's work as a backlog row (a part of ingest's events statement), leased to this server; returns its id. */
export const backlogInsert = (work: DetectionWork): SQL =>
  sql`insert into detection_backlog (work, lease_until) values (${jsonb(workToJson(work))}, now() + ${ownerLeaseSeconds()} * interval '1 second') returning id`;

/*
 * The rows whose work this process still has to run (queued, running or waiting for a retry). The sweep
 * renews their lease rather than leaving it to run out: under a long burst this server's detection may
 * lag more than the lease, and another sweep (even this server's own) must not take the work twice.
 */
const globalForBacklog = globalThis as unknown as { vigilBacklogHeld?: Set<number> };
const held = (globalForBacklog.vigilBacklogHeld ??= new Set<number>());

export function holdBacklogRows(ids: readonly number[]): void {
  for (const id of ids) held.add(id);
}

/** This process will not run these rows' work (it gave up): their lease may run out and a sweep take them. */
export function releaseBacklogRows(ids: readonly number[]): void {
  for (const id of ids) held.delete(id);
}

/** Pushes the lease of every row this process holds a full lease into the future. */
export async function renewHeldLeases(db: Db): Promise<void> {
  if (held.size === 0) return;
  await db.execute(
    sql`update detection_backlog set lease_until = now() + ${ownerLeaseSeconds()} * interval '1 second' where id = any(${arrayOf([...held], 'bigint')})`,
  );
}

/** Work that ran to the end: its rows leave the backlog (and this process lets go of them). */
export async function finishBacklog(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  try {
    await db.execute(sql`delete from detection_backlog where id = any(${arrayOf(ids, 'bigint')})`);
  } finally {
    releaseBacklogRows(ids);
  }
}

export interface SweepResult {
  /** Rows claimed (their lease had run out). */
  claimed: number;
  /** Claimed rows whose detection ran to the end and that left the backlog. */
  finished: number;
}

/**
 * Claims backlog rows whose lease ran out (oldest first, FOR UPDATE SKIP LOCKED so two servers never take
 * the same row), runs their detection as one piece of work, and deletes them if it ran to the end. Rows
 * of a run that failed, in whole or in part, stay, to be claimed again when their longer lease runs out.
 */
export async function sweepDetectionBacklog(db: Db, options: { limit?: number } = {}): Promise<SweepResult> {
  const rows = await queryRows<{ id: string; work: StoredWork }>(
    db,
    // A claimed row's lease grows with each sweep that claims it: 2, 4, 8 … owner leases, at most an hour.
    sql`update detection_backlog b set attempts = b.attempts + 1,
          lease_until = now() + least(${ownerLeaseSeconds()} * power(2, b.attempts + 1), 3600) * interval '1 second'
        where b.id in (select id from detection_backlog where lease_until < now() order by id limit ${options.limit ?? rowsPerSweep} for update skip locked)
        returning b.id, b.work`,
  );
  if (rows.length === 0) return { claimed: 0, finished: 0 };
  const work = emptyWork();
  for (const row of rows) mergeWork(work, workFromJson(row.work));
  // bigint arrives as text (postgres.js); the ids stay far below 2^53.
  const ids = rows.map((r) => Number(r.id));
  log.warn('detection is running work whose server did not finish it', { rows: ids.length, oldestId: ids[0] });
  const outcome = await detectAndFinish(db, work, ids);
  return { claimed: rows.length, finished: outcome.failed ? 0 : rows.length };
}

/** Runs detection for the work, then deletes its backlog rows if it ran to the end (the seed and the sweep; the ingest queue retries first). */
export async function detectAndFinish(
  db: Db,
  work: DetectionWork,
  ids: readonly (number | null)[],
): Promise<DetectionOutcome> {
  const outcome = await runDetection(db, work);
  if (!outcome.failed)
    await finishBacklog(
      db,
      ids.filter((id) => id !== null),
    );
  return outcome;
}

export interface DetectionSweeperOptions {
  intervalMs?: number;
  errorIntervalMs?: number;
}

/**
 * Every quarter lease, at most every 30 s (straight away again while sweeps find rows): renews this server's
 * leases, then sweeps.
 */
export function startDetectionSweeper(getDb: () => Promise<Db>, options: DetectionSweeperOptions = {}): BackgroundLoop {
  const pass = async (db: Db) => {
    await renewHeldLeases(db);
    return (await sweepDetectionBacklog(db)).claimed > 0;
  };
  return startBackgroundLoop('detection-backlog', getDb, pass, {
    intervalMs: options.intervalMs ?? Math.min(30_000, (ownerLeaseSeconds() * 1000) / 4),
    errorIntervalMs: options.errorIntervalMs ?? 60_000,
    failureMessage: 'detection backlog sweep failed',
  });
}
