import { eq } from 'drizzle-orm';
import { descNullsLast } from '@/db/sql-helpers';
import { z } from 'zod';
import {
  channelTypes,
  notificationChannels,
  notificationTopics,
  webhookDeliveries,
  type ChannelType,
  type NotificationTopic,
} from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { notFound } from '@/lib/errors';
import { targetProblem } from '@/lib/outbound/outbound-target';
import { parseInput } from '@/lib/validation';
import { newWebhookSecret } from '@/lib/webhooks/webhook-settings-store';
import { linkBase } from '@/lib/env';
import type { ChannelMessage } from './notify';
import { sendToChannel, type SendOutcome } from './send-channel';

/** Admin → Notifications and `vigil channel …`: the channels the security team is told through. */

const severities = ['low', 'medium', 'high', 'critical'] as const;

export const AddChannelInput = z
  .object({
    type: z.enum(channelTypes, { error: `must be one of ${channelTypes.join(', ')}` }),
    target: z.string().trim().min(1, 'required').max(2000),
    minSeverity: z.enum(severities, { error: `must be one of ${severities.join(', ')}` }).default('low'),
    /** Empty or absent: every topic. */
    topics: z
      .array(z.enum(notificationTopics, { error: `each must be one of ${notificationTopics.join(', ')}` }))
      .max(notificationTopics.length)
      .optional(),
    masked: z.boolean().default(false),
  })
  .superRefine((v, ctx) => {
    if (v.type === 'email') {
      if (!z.email().safeParse(v.target).success) {
        ctx.addIssue({ code: 'custom', path: ['target'], message: 'must be an e-mail address for an email channel' });
      }
      return;
    }
    const problem = targetProblem(v.target);
    if (problem) ctx.addIssue({ code: 'custom', path: ['target'], message: problem });
  });

export interface ChannelView {
  id: string;
  type: ChannelType;
  target: string;
  minSeverity: string;
  topics: NotificationTopic[] | null;
  masked: boolean;
  createdAt: Date;
  createdBy: string;
  lastDeliveredAt: Date | null;
  failingSince: Date | null;
}

const view = {
  id: notificationChannels.id,
  type: notificationChannels.type,
  target: notificationChannels.target,
  minSeverity: notificationChannels.minSeverity,
  topics: notificationChannels.topics,
  masked: notificationChannels.masked,
  createdAt: notificationChannels.createdAt,
  createdBy: notificationChannels.createdBy,
  lastDeliveredAt: notificationChannels.lastDeliveredAt,
  failingSince: notificationChannels.failingSince,
};

/** Adds a channel; a `webhook` channel's signing secret is returned this once. */
export async function addChannel(ctx: ServiceContext, raw: unknown): Promise<{ id: string; secret: string | null }> {
  authorize(ctx, 'notifications.manage', { stepUp: true });
  const input = parseInput(AddChannelInput, raw);
  const secret = input.type === 'webhook' ? newWebhookSecret() : null;
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(notificationChannels)
      .values({
        type: input.type,
        target: input.target,
        minSeverity: input.minSeverity,
        topics: input.topics && input.topics.length > 0 ? input.topics : null,
        masked: input.masked,
        secret,
        createdBy: ctx.actor.email,
      })
      .returning({ id: notificationChannels.id });
    await recordAudit(tx, {
      action: 'notification_channel.add',
      targetType: 'notification_channel',
      targetId: row!.id,
      after: {
        type: input.type,
        target: input.target,
        minSeverity: input.minSeverity,
        topics: input.topics ?? null,
        masked: input.masked,
      },
    });
    return { id: row!.id, secret };
  });
}

export async function listChannels(ctx: ServiceContext): Promise<ChannelView[]> {
  authorize(ctx, 'notifications.manage');
  const rows = await ctx.db.select(view).from(notificationChannels).orderBy(notificationChannels.createdAt);
  return rows.map((r) => ({ ...r, topics: r.topics as NotificationTopic[] | null }));
}

export async function getChannel(ctx: ServiceContext, id: string): Promise<ChannelView> {
  authorize(ctx, 'notifications.manage');
  if (!z.uuid().safeParse(id).success) throw notFound('No such channel');
  const [row] = await ctx.db.select(view).from(notificationChannels).where(eq(notificationChannels.id, id));
  if (!row) throw notFound('No such channel');
  return { ...row, topics: row.topics as NotificationTopic[] | null };
}

/** The channel's latest delivery attempts, newest first. */
export async function channelDeliveries(ctx: ServiceContext, id: string, limit = 50) {
  authorize(ctx, 'notifications.manage');
  return ctx.db
    .select({
      id: webhookDeliveries.id,
      attemptedAt: webhookDeliveries.attemptedAt,
      outboxId: webhookDeliveries.outboxId,
      statusCode: webhookDeliveries.statusCode,
      error: webhookDeliveries.error,
      durationMs: webhookDeliveries.durationMs,
    })
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.channelId, id))
    .orderBy(descNullsLast(webhookDeliveries.attemptedAt), descNullsLast(webhookDeliveries.id))
    .limit(limit);
}

export async function removeChannel(ctx: ServiceContext, id: string): Promise<void> {
  authorize(ctx, 'notifications.manage', { stepUp: true });
  const channel = await getChannel(ctx, id);
  await withTransaction(ctx, async (tx) => {
    await tx.db.delete(notificationChannels).where(eq(notificationChannels.id, id));
    await recordAudit(tx, {
      action: 'notification_channel.remove',
      targetType: 'notification_channel',
      targetId: id,
      before: { type: channel.type, target: channel.target },
    });
  });
}

/** Sends a test message now (not through the outbox) and answers how it went. */
export async function testChannel(ctx: ServiceContext, id: string): Promise<SendOutcome> {
  authorize(ctx, 'notifications.manage');
  if (!z.uuid().safeParse(id).success) throw notFound('No such channel');
  const [channel] = await ctx.db
    .select({ ...view, secret: notificationChannels.secret })
    .from(notificationChannels)
    .where(eq(notificationChannels.id, id));
  if (!channel) throw notFound('No such channel');
  const message: ChannelMessage = {
    channelId: id,
    topic: 'channel.test' as NotificationTopic,
    severity: null,
    title: 'Vigil test message',
    text: `A test from ${ctx.actor.email}: this channel receives Vigil's notifications.`,
    url: new URL('/admin/notifications', linkBase()).toString(),
    at: new Date().toISOString(),
    alsoHappened: 0,
  };
  const outcome = await sendToChannel(channel, message, { outboxId: 0 });
  await withTransaction(ctx, (tx) =>
    recordAudit(tx, {
      action: 'notification_channel.test',
      targetType: 'notification_channel',
      targetId: id,
      after: { ok: outcome.ok, statusCode: outcome.statusCode, error: outcome.error },
    }),
  );
  return outcome;
}
