import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { descNullsLast } from '@/db/sql-helpers';
import type { DbOrTx } from '@/db/client';
import { accounts, outbox, settings, webhookDeliveries } from '@/db/schema';
import { authorize, type ServiceContext } from '@/lib/context';
import { webhookSettingsKey } from '@/lib/outbox/enqueue';

export interface WebhookSettingsView {
  url: string;
  enabled: boolean;
  /** The secret's first characters, enough to tell secrets apart; the secret itself never leaves lib/. */
  secretHint: string;
  secretCreatedAt: Date | null;
  updatedAt: Date;
}

export interface WebhookDeliveryLogItem {
  id: number;
  attemptedAt: Date;
  outboxId: number;
  url: string;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  topic: string | null;
  /** Where the event is now: delivered, still pending (retrying) or failed (given up). */
  outboxStatus: string | null;
  account: { id: string; externalId: string; displayName: string | null } | null;
}

export interface OutboxBacklog {
  webhook: { pending: number; failed: number };
  notice: { pending: number; failed: number };
  channel: { pending: number; failed: number };
  /** The webhook event waiting longest, with why its last attempt failed. */
  oldestPendingWebhook: { createdAt: Date; attempts: number; nextAttemptAt: Date; lastError: string | null } | null;
}

export interface WebhookOverview {
  settings: WebhookSettingsView | null;
  backlog: OutboxBacklog;
  deliveries: WebhookDeliveryLogItem[];
}

export const deliveryLogSize = 50;

async function readSettings(db: DbOrTx): Promise<WebhookSettingsView | null> {
  const [row] = await db
    .select({ value: settings.value, updatedAt: settings.updatedAt })
    .from(settings)
    .where(eq(settings.key, webhookSettingsKey));
  const v = row?.value as { url?: unknown; secret?: unknown; enabled?: unknown; secretCreatedAt?: unknown } | undefined;
  if (!row || typeof v?.url !== 'string' || typeof v.secret !== 'string') return null;
  return {
    url: v.url,
    enabled: v.enabled !== false,
    secretHint: `${v.secret.slice(0, 10)}…`,
    secretCreatedAt: typeof v.secretCreatedAt === 'string' ? new Date(v.secretCreatedAt) : null,
    updatedAt: row.updatedAt,
  };
}

async function readBacklog(db: DbOrTx): Promise<OutboxBacklog> {
  const counts = await db
    .select({ kind: outbox.kind, status: outbox.status, count: sql<number>`count(*)`.mapWith(Number) })
    .from(outbox)
    .where(inArray(outbox.status, ['pending', 'failed']))
    .groupBy(outbox.kind, outbox.status);
  const [oldest] = await db
    .select({
      createdAt: outbox.createdAt,
      attempts: outbox.attempts,
      nextAttemptAt: outbox.nextAttemptAt,
      lastError: outbox.lastError,
    })
    .from(outbox)
    .where(and(eq(outbox.status, 'pending'), eq(outbox.kind, 'webhook')))
    .orderBy(asc(outbox.id))
    .limit(1);
  const backlog: OutboxBacklog = {
    webhook: { pending: 0, failed: 0 },
    notice: { pending: 0, failed: 0 },
    channel: { pending: 0, failed: 0 },
    oldestPendingWebhook: oldest ?? null,
  };
  for (const c of counts) if (c.status !== 'delivered') backlog[c.kind][c.status] = c.count;
  return backlog;
}

async function readDeliveries(db: DbOrTx): Promise<WebhookDeliveryLogItem[]> {
  const rows = await db
    .select({
      id: webhookDeliveries.id,
      attemptedAt: webhookDeliveries.attemptedAt,
      outboxId: webhookDeliveries.outboxId,
      url: webhookDeliveries.url,
      statusCode: webhookDeliveries.statusCode,
      error: webhookDeliveries.error,
      durationMs: webhookDeliveries.durationMs,
      topic: outbox.topic,
      outboxStatus: outbox.status,
      accountId: accounts.id,
      externalId: accounts.externalId,
      displayName: accounts.displayName,
    })
    .from(webhookDeliveries)
    .leftJoin(outbox, eq(outbox.id, webhookDeliveries.outboxId))
    .leftJoin(accounts, eq(accounts.id, outbox.accountId))
    .where(isNull(webhookDeliveries.channelId))
    .orderBy(descNullsLast(webhookDeliveries.attemptedAt), descNullsLast(webhookDeliveries.id))
    .limit(deliveryLogSize);
  return rows.map(({ accountId, externalId, displayName, ...r }) => ({
    ...r,
    account: accountId && externalId ? { id: accountId, externalId, displayName } : null,
  }));
}

/** The admin page's webhook section: the settings (without the secret), the backlog, the latest attempts. */
export async function getWebhookOverview(ctx: ServiceContext): Promise<WebhookOverview> {
  authorize(ctx, 'webhooks.manage');
  const [current, backlog, deliveries] = await Promise.all([
    readSettings(ctx.db),
    readBacklog(ctx.db),
    readDeliveries(ctx.db),
  ]);
  return { settings: current, backlog, deliveries };
}
