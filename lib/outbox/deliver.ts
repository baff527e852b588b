import { performance } from 'node:perf_hooks';
import { and, asc, eq, inArray, lt, lte, notExists, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { notificationChannels, outbox, webhookDeliveries } from '@/db/schema';
import { log } from '@/lib/log/logger';
import { loadWebhookSettings, type WebhookSettings } from './enqueue';
import { eventIdHeader, signatureHeader, signWebhook } from './signature';
import { describeOutboundError, outboundRequest } from '@/lib/outbound/outbound-target';
import type { ChannelMessage } from '@/lib/notifications/notify';
import { sendToChannel, type ChannelTarget } from '@/lib/notifications/send-channel';
import { open } from '@/lib/auth/secret-box';

/*
 * One delivery pass over the outbox (the worker runs it about once a second). Rows are claimed in a short
 * transaction (FOR UPDATE SKIP LOCKED, so several Vigil servers never take the same row) by pushing their
 * next_attempt_at a lease into the future; the HTTP calls happen outside any transaction (on the embedded
 * engine an open transaction would block every other query of the server for up to the timeout); the
 * outcomes are written back in one more transaction. A server that dies mid-pass leaves its rows to be
 * retried when the lease runs out: delivery is at least once, and receivers dedupe on Vigil-Event-Id.
 */

type OutboxRow = typeof outbox.$inferSelect;

/**
 * By default nothing is given up: a receiver that is down for a weekend gets every event, in order, once it
 * is back (retries settle at one an hour). A smaller cap is for tests and operators who choose to drop.
 */
export const defaultMaxAttempts = Number.POSITIVE_INFINITY;
const leaseMs = 60_000;
const maxErrorLength = 500;

/** Seconds to wait after the n-th failed attempt: 2, 4, 8 … capped at one hour (20 attempts span ~10 h). */
export function retryDelaySeconds(attempts: number): number {
  return Math.min(2 ** Math.max(1, attempts), 3600);
}

/** A message to a customer; `accountId` (the platform's) is absent for a reply to a report that matched no account. */
export const CustomerNotice = z.object({
  channel: z.enum(['email', 'sms']),
  to: z.string().min(1),
  text: z.string().min(1),
  accountId: z.string().optional(),
  reference: z.string().optional(),
  /** The "not me" link the text ends with (lib/reports/report-links.ts), for a provider that renders a button. */
  reportUrl: z.string().optional(),
});
export type CustomerNotice = z.infer<typeof CustomerNotice>;

/** Sends a customer notice; a rejected promise means "not sent" and the row is retried like a webhook. */
export interface NoticeProvider {
  readonly name: string;
  send(notice: CustomerNotice, context: { outboxId: number; topic: string }): Promise<void>;
}

/** The default provider sends nothing: the delivered outbox row is the record, shown on the account page. */
export const recordOnlyNoticeProvider: NoticeProvider = { name: 'record-only', send: () => Promise.resolve() };

export interface DeliverOptions {
  now?: Date;
  /** Rows per pass; at most one per account and kind, so they are delivered concurrently. */
  limit?: number;
  timeoutMs?: number;
  maxAttempts?: number;
  noticeProvider?: NoticeProvider;
}

export interface DeliveryPass {
  claimed: number;
  delivered: number;
  retrying: number;
  failed: number;
}

interface Attempt {
  ok: boolean;
  /** Retrying cannot help (a malformed row): give up at once. */
  permanent?: boolean;
  error: string | null;
  statusCode?: number | null;
  durationMs?: number;
}

const earlier = alias(outbox, 'earlier');

/** Due rows that are first in line for their account and kind, oldest first, leased to this pass. */
async function claimDue(db: Db, now: Date, limit: number, kinds: OutboxRow['kind'][]): Promise<OutboxRow[]> {
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(outbox)
      .where(
        and(
          eq(outbox.status, 'pending'),
          lte(outbox.nextAttemptAt, now),
          inArray(outbox.kind, kinds),
          // Order per account: a row waits while an older one of its account and kind is still pending.
          notExists(
            tx
              .select({ one: sql`1` })
              .from(earlier)
              .where(
                and(
                  eq(earlier.accountId, outbox.accountId),
                  eq(earlier.kind, outbox.kind),
                  eq(earlier.status, 'pending'),
                  lt(earlier.id, outbox.id),
                ),
              ),
          ),
        ),
      )
      .orderBy(asc(outbox.id))
      .limit(limit)
      .for('update', { of: outbox, skipLocked: true });
    if (rows.length > 0) {
      await tx
        .update(outbox)
        .set({ nextAttemptAt: new Date(now.getTime() + leaseMs) })
        .where(
          inArray(
            outbox.id,
            rows.map((r) => r.id),
          ),
        );
    }
    return rows;
  });
}

/**
 * `account.erased` names the platform's id, which Vigil must not keep once erased: the row holds it sealed
 * (lib/auth/secret-box.ts), it is opened only into the request, and the sealed copy goes once delivered.
 */
function openSealedAccountId(payload: Record<string, unknown>): Record<string, unknown> {
  const { sealedAccountId, ...rest } = payload;
  return typeof sealedAccountId === 'string' ? { ...rest, accountId: open(sealedAccountId) } : payload;
}

async function postWebhook(row: OutboxRow, webhook: WebhookSettings, now: Date, timeoutMs: number): Promise<Attempt> {
  // The signed string and the bytes sent are the same string: receivers verify the raw body.
  const body = JSON.stringify(openSealedAccountId(row.payload));
  const started = performance.now();
  const durationMs = () => Math.round(performance.now() - started);
  try {
    // The outbound-target rule (lib/outbound/outbound-target.ts): https, no private or metadata address after
    // DNS unless the operator allowed it, no redirects.
    const response = await outboundRequest(webhook.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Vigil-Webhook/1',
        [signatureHeader]: signWebhook(webhook.secret, body, now),
        [eventIdHeader]: String(row.id),
      },
      body,
      signal: AbortSignal.timeout(timeoutMs),
    });
    const ok = response.status >= 200 && response.status < 300;
    return { ok, statusCode: response.status, error: ok ? null : `HTTP ${response.status}`, durationMs: durationMs() };
  } catch (error) {
    return {
      ok: false,
      statusCode: null,
      error: describeOutboundError(error, timeoutMs).slice(0, maxErrorLength),
      durationMs: durationMs(),
    };
  }
}

async function sendNotice(row: OutboxRow, provider: NoticeProvider): Promise<Attempt> {
  const notice = CustomerNotice.safeParse(row.payload);
  if (!notice.success) return { ok: false, permanent: true, error: 'malformed notice payload' };
  try {
    await provider.send(notice.data, { outboxId: row.id, topic: row.topic });
    return { ok: true, error: null };
  } catch (error) {
    return {
      ok: false,
      error: `${provider.name}: ${error instanceof Error ? error.message : String(error)}`.slice(0, maxErrorLength),
    };
  }
}

async function loadChannels(db: Db, rows: OutboxRow[]): Promise<Map<string, ChannelTarget>> {
  const ids = [...new Set(rows.filter((r) => r.kind === 'channel').map((r) => String(r.payload.channelId)))];
  if (ids.length === 0) return new Map();
  const found = await db
    .select({
      id: notificationChannels.id,
      type: notificationChannels.type,
      target: notificationChannels.target,
      secret: notificationChannels.secret,
    })
    .from(notificationChannels)
    .where(inArray(notificationChannels.id, ids));
  return new Map(found.map((c) => [c.id, c]));
}

/** What the delivery log shows as the attempt's destination. */
const targetLabel = (c: ChannelTarget) => (c.type === 'email' ? `mailto:${c.target}` : c.target);

async function sendChannelRow(
  row: OutboxRow,
  channels: Map<string, ChannelTarget>,
  now: Date,
  timeoutMs: number,
): Promise<Attempt> {
  const channel = channels.get(String(row.payload.channelId));
  // A removed channel: nothing to send to, and retrying cannot change that.
  if (!channel) return { ok: false, permanent: true, error: 'the channel was removed' };
  return sendToChannel(channel, row.payload as unknown as ChannelMessage, { outboxId: row.id, timeoutMs, now });
}

/** A channel's health for its page and the overview: when it last delivered, and since when it has been failing. */
async function recordChannelHealth(db: Db, rows: OutboxRow[], attempts: Attempt[], now: Date): Promise<void> {
  const byChannel = new Map<string, boolean>();
  rows.forEach((row, i) => {
    if (row.kind !== 'channel') return;
    const id = String(row.payload.channelId);
    byChannel.set(id, (byChannel.get(id) ?? false) || attempts[i]!.ok);
  });
  for (const [id, ok] of byChannel) {
    await db
      .update(notificationChannels)
      .set(
        ok
          ? { lastDeliveredAt: now, failingSince: null }
          : { failingSince: sql`coalesce(${notificationChannels.failingSince}, ${now.toISOString()}::timestamptz)` },
      )
      .where(eq(notificationChannels.id, id));
  }
}

interface Outcome {
  id: number;
  status: OutboxRow['status'];
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  deliveredAt: Date | null;
}

function outcomeOf(row: OutboxRow, attempt: Attempt, now: Date, maxAttempts: number): Outcome {
  const attempts = row.attempts + 1;
  if (attempt.ok)
    return { id: row.id, status: 'delivered', attempts, nextAttemptAt: now, lastError: null, deliveredAt: now };
  if (attempt.permanent || attempts >= maxAttempts) {
    return {
      id: row.id,
      status: 'failed',
      attempts,
      nextAttemptAt: now,
      lastError: `${attempt.error}; gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}`,
      deliveredAt: null,
    };
  }
  return {
    id: row.id,
    status: 'pending',
    attempts,
    nextAttemptAt: new Date(now.getTime() + retryDelaySeconds(attempts) * 1000),
    lastError: attempt.error,
    deliveredAt: null,
  };
}

const isoOrNull = (d: Date | null) => (d ? d.toISOString() : null);

/** Every outcome in one statement (dates as ISO text with a cast: db/sql-helpers.ts explains why). */
async function recordOutcomes(
  db: Db,
  outcomes: Outcome[],
  deliveries: (typeof webhookDeliveries.$inferInsert)[],
): Promise<void> {
  await db.transaction(async (tx) => {
    if (deliveries.length > 0) await tx.insert(webhookDeliveries).values(deliveries);
    const values = sql.join(
      outcomes.map(
        (o) =>
          sql`(${o.id}::bigint, ${o.status}::text, ${o.attempts}::integer, ${o.nextAttemptAt.toISOString()}::timestamptz, ${o.lastError}::text, ${isoOrNull(o.deliveredAt)}::timestamptz)`,
      ),
      sql`, `,
    );
    await tx.execute(sql`
      update ${outbox} set status = v.status, attempts = v.attempts, next_attempt_at = v.next_attempt_at, last_error = v.last_error, delivered_at = v.delivered_at
      from (values ${values}) as v(id, status, attempts, next_attempt_at, last_error, delivered_at)
      where ${outbox.id} = v.id and ${outbox.status} = 'pending'`);
    const delivered = outcomes.filter((o) => o.status === 'delivered').map((o) => o.id);
    if (delivered.length > 0)
      await tx.execute(sql`update ${outbox} set payload = payload - 'sealedAccountId'
        where ${outbox.id} in (${sql.join(
          delivered.map((id) => sql`${id}::bigint`),
          sql`, `,
        )}) and payload ? 'sealedAccountId'`);
  });
}

/**
 * One pass: claims what is due, delivers it, records the outcome. Webhook rows are left untouched (still
 * pending, nothing lost) while no webhook is configured or it is disabled; they go out once it is enabled.
 */
export async function deliverDue(db: Db, options: DeliverOptions = {}): Promise<DeliveryPass> {
  const now = options.now ?? new Date();
  const {
    limit = 20,
    timeoutMs = 5000,
    maxAttempts = defaultMaxAttempts,
    noticeProvider = recordOnlyNoticeProvider,
  } = options;
  const webhook = await loadWebhookSettings(db);
  const kinds: OutboxRow['kind'][] = webhook?.enabled ? ['webhook', 'notice', 'channel'] : ['notice', 'channel'];
  const rows = await claimDue(db, now, limit, kinds);
  const pass: DeliveryPass = { claimed: rows.length, delivered: 0, retrying: 0, failed: 0 };
  if (rows.length === 0) return pass;

  const channels = await loadChannels(db, rows);
  const attempts = await Promise.all(
    rows.map((row) => {
      if (row.kind === 'channel') return sendChannelRow(row, channels, now, timeoutMs);
      return row.kind === 'webhook' && webhook
        ? postWebhook(row, webhook, now, timeoutMs)
        : sendNotice(row, noticeProvider);
    }),
  );
  const outcomes = rows.map((row, i) => outcomeOf(row, attempts[i]!, now, maxAttempts));
  const deliveries = rows.flatMap((row, i) => {
    const channel = row.kind === 'channel' ? channels.get(String(row.payload.channelId)) : undefined;
    const url = row.kind === 'webhook' && webhook ? webhook.url : channel ? targetLabel(channel) : null;
    if (!url) return [];
    return [
      {
        outboxId: row.id,
        attemptedAt: now,
        url,
        channelId: channel?.id ?? null,
        statusCode: attempts[i]!.statusCode ?? null,
        error: outcomes[i]!.status === 'failed' ? outcomes[i]!.lastError : attempts[i]!.error,
        durationMs: attempts[i]!.durationMs ?? 0,
      },
    ];
  });
  await recordOutcomes(db, outcomes, deliveries);
  await recordChannelHealth(db, rows, attempts, now);

  for (const o of outcomes) {
    pass[o.status === 'pending' ? 'retrying' : o.status] += 1;
    if (o.status === 'failed')
      log.warn('outbox row given up', { outboxId: o.id, attempts: o.attempts, lastError: o.lastError });
  }
  return pass;
}
