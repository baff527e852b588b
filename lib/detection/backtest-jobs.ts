import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type Db } from '@/db/client';
import { alertRules, detectionBacktests, type BacktestStatus } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import type { SystemActor } from '@/lib/auth/actor';
import { startBackgroundLoop, type BackgroundLoop } from '@/lib/background/loop';
import { authorize, serviceContext, withTransaction, type ServiceContext } from '@/lib/context';
import { notFound } from '@/lib/errors';
import { log } from '@/lib/log/logger';
import { parseInput } from '@/lib/validation';
import { BacktestCancelled, backtestRule, type BacktestResult } from './backtest';
import { DetectionSettings } from './settings';

/*
 * Backtests as background jobs: a staff member asks (a row, audited), the background loop of any server takes it
 * (FOR UPDATE SKIP LOCKED, with a lease it renews after every chunk), records progress as it goes and the result
 * at the end (audited with the result), and stops at the next chunk once someone cancels it. Ingest never waits
 * for a backtest: it runs in its own read-only transactions, off the request path.
 */

const leaseSeconds = 120;
/** The backtest worker, in the audit log. */
const worker: SystemActor = { kind: 'system', id: null, email: 'vigil:backtest', role: 'system' };

export const BacktestRequest = z.object({
  rule: z.enum(alertRules),
  settings: z.record(z.string(), z.unknown()),
  days: z.number().int().min(1).max(90).default(30),
});

export interface BacktestJob {
  id: string;
  rule: string;
  settings: Record<string, unknown>;
  days: number;
  status: BacktestStatus;
  done: number;
  total: number | null;
  result: BacktestResult | null;
  error: string | null;
  requestedBy: string;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

type Row = typeof detectionBacktests.$inferSelect;

const view = (r: Row): BacktestJob => ({
  id: r.id,
  rule: r.rule,
  settings: r.settings,
  days: r.days,
  status: r.status,
  done: r.done,
  total: r.total,
  result: (r.result as BacktestResult | null) ?? null,
  error: r.error,
  requestedBy: r.requestedByEmail,
  createdAt: r.createdAt.toISOString(),
  startedAt: r.startedAt?.toISOString() ?? null,
  finishedAt: r.finishedAt?.toISOString() ?? null,
});

const unfinished: BacktestStatus[] = ['queued', 'running'];

/**
 * Queues a backtest of one rule with proposed settings over the last `days` (default 30). The same person's
 * unfinished backtest is cancelled: a new preview replaces the one before. Audited.
 */
export async function requestBacktest(ctx: ServiceContext, input: unknown): Promise<BacktestJob> {
  authorize(ctx, 'detection.backtest');
  const request = parseInput(BacktestRequest, input);
  const ruleSettings = parseInput(DetectionSettings.shape[request.rule], request.settings);
  return withTransaction(ctx, async (tx) => {
    if (ctx.actor.id)
      await tx.db
        .update(detectionBacktests)
        .set({ status: 'cancelled', finishedAt: sql`now()` })
        .where(and(eq(detectionBacktests.requestedBy, ctx.actor.id), inArray(detectionBacktests.status, unfinished)));
    const [row] = await tx.db
      .insert(detectionBacktests)
      .values({
        rule: request.rule,
        settings: ruleSettings,
        days: request.days,
        requestedBy: ctx.actor.id,
        requestedByEmail: ctx.actor.email,
      })
      .returning();
    await recordAudit(tx, {
      action: 'detection.backtest_requested',
      targetType: 'backtest',
      targetId: row!.id,
      after: { rule: request.rule, settings: ruleSettings, days: request.days },
    });
    return view(row!);
  });
}

async function findJob(ctx: ServiceContext, id: string): Promise<Row> {
  if (!z.uuid().safeParse(id).success) throw notFound('No such backtest.');
  const [row] = await ctx.db.select().from(detectionBacktests).where(eq(detectionBacktests.id, id));
  if (!row) throw notFound('No such backtest.');
  return row;
}

/** A backtest with its progress, and its result once done. */
export async function getBacktest(ctx: ServiceContext, id: string): Promise<BacktestJob> {
  authorize(ctx, 'detection.backtest');
  return view(await findJob(ctx, id));
}

/** Stops a queued or running backtest (a running one stops after the chunk in hand). Audited; a finished one is left as it is. */
export async function cancelBacktest(ctx: ServiceContext, id: string): Promise<BacktestJob> {
  authorize(ctx, 'detection.backtest');
  return withTransaction(ctx, async (tx) => {
    await findJob(tx, id);
    const [row] = await tx.db
      .update(detectionBacktests)
      .set({ status: 'cancelled', finishedAt: sql`now()` })
      .where(and(eq(detectionBacktests.id, id), inArray(detectionBacktests.status, unfinished)))
      .returning();
    if (!row) return view(await findJob(tx, id));
    await recordAudit(tx, {
      action: 'detection.backtest_cancelled',
      targetType: 'backtest',
      targetId: id,
      before: { done: row.done, total: row.total },
    });
    return view(row);
  });
}

/** Takes the oldest queued backtest (or one whose server died mid-run) and runs it. Returns whether there was one. */
export async function runBacktestPass(db: Db): Promise<boolean> {
  const [job] = await queryRows<{ id: string }>(
    db,
    sql`update detection_backtests
           set status = 'running', started_at = coalesce(started_at, now()), lease_until = now() + ${leaseSeconds} * interval '1 second'
         where id = (select id from detection_backtests
                      where status = 'queued' or (status = 'running' and lease_until < now())
                      order by created_at limit 1 for update skip locked)
     returning id`,
  );
  if (!job) return false;
  const [row] = await db.select().from(detectionBacktests).where(eq(detectionBacktests.id, job.id));
  const stillRunning = async (done: number, total: number) => {
    const renewed = await db
      .update(detectionBacktests)
      .set({ done, total, leaseUntil: sql`now() + ${leaseSeconds} * interval '1 second'` })
      .where(and(eq(detectionBacktests.id, job.id), eq(detectionBacktests.status, 'running')))
      .returning({ id: detectionBacktests.id });
    return renewed.length > 0;
  };
  try {
    const result = await backtestRule(
      db,
      { rule: row!.rule, settings: DetectionSettings.shape[row!.rule].parse(row!.settings), days: row!.days },
      stillRunning,
    );
    await withTransaction(serviceContext(db, worker), async (tx) => {
      const finished = await tx.db
        .update(detectionBacktests)
        .set({
          status: 'done',
          result: { ...result },
          done: result.subjects,
          total: result.subjects,
          finishedAt: sql`now()`,
        })
        .where(and(eq(detectionBacktests.id, job.id), eq(detectionBacktests.status, 'running')))
        .returning({ id: detectionBacktests.id });
      if (finished.length === 0) return; // cancelled meanwhile
      await recordAudit(tx, {
        action: 'detection.backtest',
        targetType: 'backtest',
        targetId: job.id,
        after: {
          rule: result.rule,
          days: result.days,
          settings: row!.settings,
          requestedBy: row!.requestedByEmail,
          wouldRaise: result.wouldRaise,
          raised: result.raised,
          added: result.added.count,
          removed: result.removed.count,
          summary: result.summary,
        },
      });
    });
  } catch (error) {
    if (error instanceof BacktestCancelled) return true;
    log.error('backtest failed', { backtestId: job.id, error });
    await db
      .update(detectionBacktests)
      .set({ status: 'failed', error: 'The backtest failed; the server log has the details.', finishedAt: sql`now()` })
      .where(and(eq(detectionBacktests.id, job.id), eq(detectionBacktests.status, 'running')));
  }
  return true;
}

/** The background loop that runs backtests, in every server process (instrumentation.ts). */
export function startBacktestWorker(getDb: () => Promise<Db>): BackgroundLoop {
  return startBackgroundLoop('detection-backtests', getDb, runBacktestPass, {
    intervalMs: 1_000,
    errorIntervalMs: 10_000,
    failureMessage: 'backtest pass failed',
  });
}
