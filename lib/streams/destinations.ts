import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { pushStreamKinds, streamDestinations } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import type { SystemActor } from '@/lib/auth/actor';
import { startBackgroundLoop, type BackgroundLoop } from '@/lib/background/loop';
import { authorize, serviceContext, withTransaction, type ServiceContext } from '@/lib/context';
import { notFound } from '@/lib/errors';
import { describeOutboundError, outboundRequest, targetProblem } from '@/lib/outbound/outbound-target';
import { parseInput } from '@/lib/validation';
import { readStream } from './read-stream';

/*
 * Push destinations (Admin → Streams): each follows one stream with its own cursor and receives it as NDJSON
 * batches. The cursor moves only after the endpoint answered 2xx, so nothing is dropped however long it is
 * down (retries never stop; the wait grows to 5 minutes); a batch whose answer was lost is sent again, so
 * consumers dedupe by the record's id, as with the pull API.
 */

export const AddDestinationInput = z
  .object({
    stream: z.enum(pushStreamKinds, { error: `must be one of ${pushStreamKinds.join(', ')}` }),
    url: z.string().trim().min(1, 'required').max(2000),
    authorization: z
      .string()
      .trim()
      .max(2000)
      .optional()
      .transform((v) => v || undefined),
  })
  .superRefine((v, ctx) => {
    const problem = targetProblem(v.url);
    if (problem) ctx.addIssue({ code: 'custom', path: ['url'], message: problem });
  });

export interface DestinationView {
  id: string;
  stream: (typeof pushStreamKinds)[number];
  url: string;
  hasAuthorization: boolean;
  delivered: number;
  /** Records committed but not yet taken by the endpoint, counted up to `lagCap`. */
  waiting: number;
  lastDeliveredAt: Date | null;
  failingSince: Date | null;
  lastError: string | null;
  nextAttemptAt: Date;
  createdBy: string;
  createdAt: Date;
}

/** Records per batch, and the most the lag count reads. */
export const batchSize = 500;
export const lagCap = 1000;
const maxBackoffMs = 5 * 60_000;
const timeoutMs = 10_000;

const pusher: SystemActor = { kind: 'system', id: null, email: 'stream-push', role: 'system' };

export async function addDestination(ctx: ServiceContext, raw: unknown): Promise<{ id: string }> {
  authorize(ctx, 'streams.manage', { stepUp: true });
  const input = parseInput(AddDestinationInput, raw);
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(streamDestinations)
      .values({
        stream: input.stream,
        url: input.url,
        authorization: input.authorization ?? null,
        createdBy: ctx.actor.email,
      })
      .returning({ id: streamDestinations.id });
    await recordAudit(tx, {
      action: 'stream_destination.add',
      targetType: 'stream_destination',
      targetId: row!.id,
      // The authorization header is a credential: the audit row says there is one, never what it is.
      after: { stream: input.stream, url: input.url, authorization: input.authorization ? 'set' : 'none' },
    });
    return { id: row!.id };
  });
}

export async function removeDestination(ctx: ServiceContext, id: string): Promise<void> {
  authorize(ctx, 'streams.manage', { stepUp: true });
  if (!z.uuid().safeParse(id).success) throw notFound('No such stream destination');
  await withTransaction(ctx, async (tx) => {
    const [gone] = await tx.db
      .delete(streamDestinations)
      .where(eq(streamDestinations.id, id))
      .returning({ stream: streamDestinations.stream, url: streamDestinations.url });
    if (!gone) throw notFound('No such stream destination');
    await recordAudit(tx, {
      action: 'stream_destination.remove',
      targetType: 'stream_destination',
      targetId: id,
      before: gone,
    });
  });
}

/** Every destination with its progress and how far behind it is. */
export async function listDestinations(ctx: ServiceContext): Promise<DestinationView[]> {
  authorize(ctx, 'streams.manage');
  const rows = await ctx.db.select().from(streamDestinations).orderBy(asc(streamDestinations.createdAt));
  const internal = serviceContext(ctx.db, pusher);
  return Promise.all(
    rows.map(async (r) => ({
      id: r.id,
      stream: r.stream,
      url: r.url,
      hasAuthorization: r.authorization !== null,
      delivered: r.delivered,
      waiting: (await readStream(internal, r.stream, { cursor: r.cursor, limit: String(lagCap) })).records.length,
      lastDeliveredAt: r.lastDeliveredAt,
      failingSince: r.failingSince,
      lastError: r.lastError,
      nextAttemptAt: r.nextAttemptAt,
      createdBy: r.createdBy,
      createdAt: r.createdAt,
    })),
  );
}

/**
 * One push pass: claims the destinations due (a lease, so two servers never push the same one), sends each
 * the next batch after its cursor, and records the outcome. Answers whether a destination has more waiting.
 */
export async function pushDue(db: Db, now = new Date()): Promise<boolean> {
  const claimed = await db
    .update(streamDestinations)
    .set({ nextAttemptAt: new Date(now.getTime() + 2 * timeoutMs) })
    .where(
      sql`${streamDestinations.id} in (select id from stream_destinations where next_attempt_at <= ${now.toISOString()}::timestamptz
            order by next_attempt_at limit 10 for update skip locked)`,
    )
    .returning();
  let more = false;
  for (const d of claimed) more = (await pushOne(db, d)) || more;
  return more;
}

async function pushOne(db: Db, d: typeof streamDestinations.$inferSelect): Promise<boolean> {
  const page = await readStream(serviceContext(db, pusher), d.stream, { cursor: d.cursor, limit: String(batchSize) });
  if (page.records.length === 0) {
    await db
      .update(streamDestinations)
      .set({ nextAttemptAt: sql`now() + interval '5 seconds'` })
      .where(eq(streamDestinations.id, d.id));
    return false;
  }
  let failure: string | null = null;
  try {
    const { status } = await outboundRequest(d.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-ndjson',
        'user-agent': 'Vigil-Stream/1',
        ...(d.authorization ? { authorization: d.authorization } : {}),
      },
      body: page.records.map((r) => JSON.stringify(r)).join('\n') + '\n',
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (status < 200 || status >= 300) failure = `HTTP ${status}`;
  } catch (error) {
    failure = describeOutboundError(error, timeoutMs);
  }
  if (failure === null) {
    await db
      .update(streamDestinations)
      .set({
        cursor: page.nextCursor,
        delivered: sql`${streamDestinations.delivered} + ${page.records.length}`,
        attempts: 0,
        failingSince: null,
        lastError: null,
        lastDeliveredAt: sql`now()`,
        nextAttemptAt: sql`now()`,
      })
      .where(eq(streamDestinations.id, d.id));
    return page.records.length === batchSize;
  }
  const wait = Math.min(maxBackoffMs, 1000 * 2 ** Math.min(d.attempts, 20));
  await db
    .update(streamDestinations)
    .set({
      attempts: d.attempts + 1,
      failingSince: sql`coalesce(${streamDestinations.failingSince}, now())`,
      lastError: failure,
      nextAttemptAt: new Date(Date.now() + wait),
    })
    .where(eq(streamDestinations.id, d.id));
  return false;
}

/** The push worker of this server process (instrumentation.ts). */
export function startStreamPush(getDb: () => Promise<Db>): BackgroundLoop {
  return startBackgroundLoop('stream-push', getDb, (db) => pushDue(db), {
    intervalMs: 2_000,
    errorIntervalMs: 15_000,
    failureMessage: 'stream push pass failed',
  });
}
