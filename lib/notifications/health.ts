import { and, isNotNull, lte } from 'drizzle-orm';
import { notificationChannels } from '@/db/schema';
import { can } from '@/lib/auth/permissions';
import type { ServiceContext } from '@/lib/context';

/** A channel failing this long is flagged on the overview: nobody is being told through it. */
export const channelFailingFlagMs = 24 * 60 * 60 * 1000;

export interface FailingChannel {
  id: string;
  type: string;
  target: string;
  failingSince: Date;
}

/** Channels failing for a day or more (for the overview's banner; empty for staff who cannot manage them). */
export async function channelsFailingLong(ctx: ServiceContext, now = new Date()): Promise<FailingChannel[]> {
  if (!can(ctx.actor, 'notifications.manage')) return [];
  const rows = await ctx.db
    .select({
      id: notificationChannels.id,
      type: notificationChannels.type,
      target: notificationChannels.target,
      failingSince: notificationChannels.failingSince,
    })
    .from(notificationChannels)
    .where(
      and(
        isNotNull(notificationChannels.failingSince),
        lte(notificationChannels.failingSince, new Date(now.getTime() - channelFailingFlagMs)),
      ),
    );
  return rows.map((r) => ({ ...r, failingSince: r.failingSince! }));
}
