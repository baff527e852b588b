import { and, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import {
  notificationChannels,
  notificationThrottle,
  outbox,
  type AlertSeverity,
  type NotificationTopic,
} from '@/db/schema';
import { linkBase } from '@/lib/env';

/*
 * The security team is told: a notification is one event (an alert opened, a report filed, a staff member locked
 * out…) offered to every channel that wants its topic. Each channel gets its own outbox row (kind `channel`),
 * written in the caller's transaction, so a notification exists exactly when what caused it committed; the outbox
 * worker delivers it with retries that never give up. Masking is decided here, per channel, so a masked channel's
 * row never holds the unmasked text.
 */

/** The parts of a message; `masked` variants replace names, contacts and IPs for channels marked masked. */
export interface Notification {
  topic: NotificationTopic;
  /** Alert topics only: channels below their minimum severity skip it. */
  severity?: AlertSeverity;
  /** The burst key: one message per (channel, subject) per window. */
  subject: string;
  /** Once-only topics (escalated, SLA breached, stalled): never a second message for the same subject. */
  once?: boolean;
  title: string;
  text: string;
  maskedTitle?: string;
  maskedText?: string;
  /** The console path the message links to, e.g. `/alerts/<id>`. */
  path: string;
  at: Date;
}

/** What a channel row's payload carries: everything the sender needs, already masked where the channel asks. */
export interface ChannelMessage {
  channelId: string;
  topic: NotificationTopic;
  severity: AlertSeverity | null;
  title: string;
  text: string;
  url: string;
  at: string;
  /** Hits held back by burst control since the previous message of this subject. */
  alsoHappened: number;
}

export const burstWindowMs = 10 * 60 * 1000;

const severityRank: Record<AlertSeverity, number> = { low: 1, medium: 2, high: 3, critical: 4 };

/**
 * Queues `n` for every channel that wants it, inside the caller's transaction. Burst control: within 10 minutes of
 * the last message of the same subject on a channel, the hit is held and counted in the next message instead.
 */
export async function notify(tx: DbOrTx, n: Notification): Promise<number> {
  const channels = await tx
    .select({
      id: notificationChannels.id,
      topics: notificationChannels.topics,
      minSeverity: notificationChannels.minSeverity,
      masked: notificationChannels.masked,
    })
    .from(notificationChannels);
  const wanting = channels.filter(
    (c) =>
      (c.topics === null || c.topics.includes(n.topic)) &&
      (!n.severity || severityRank[n.severity] >= severityRank[c.minSeverity]),
  );
  let queued = 0;
  for (const channel of wanting) {
    const held = await claimSlot(tx, channel.id, n);
    if (held === null) continue;
    const message: ChannelMessage = {
      channelId: channel.id,
      topic: n.topic,
      severity: n.severity ?? null,
      title: channel.masked ? (n.maskedTitle ?? n.title) : n.title,
      text: channel.masked ? (n.maskedText ?? n.text) : n.text,
      url: new URL(n.path, linkBase()).toString(),
      at: n.at.toISOString(),
      alsoHappened: held,
    };
    await tx.insert(outbox).values({
      kind: 'channel',
      // No account: the outbox orders rows per account and kind, and one channel that is down must not hold back
      // another channel's message about the same account.
      accountId: null,
      topic: n.topic,
      payload: message as unknown as Record<string, unknown>,
    });
    queued += 1;
  }
  return queued;
}

/**
 * Takes the (channel, subject) slot: the number of held hits to report when a message may go now, or null when it
 * is held (counted for the next one). A once-only subject that was ever sent stays closed.
 */
async function claimSlot(tx: DbOrTx, channelId: string, n: Notification): Promise<number | null> {
  const at = n.at.toISOString();
  const [existing] = await tx
    .select({ lastSentAt: notificationThrottle.lastSentAt, held: notificationThrottle.held })
    .from(notificationThrottle)
    .where(and(eq(notificationThrottle.channelId, channelId), eq(notificationThrottle.subject, n.subject)))
    .for('update');
  if (!existing) {
    const inserted = await tx
      .insert(notificationThrottle)
      .values({ channelId, subject: n.subject, lastSentAt: n.at, held: 0 })
      .onConflictDoNothing()
      .returning({ channelId: notificationThrottle.channelId });
    // A concurrent transaction took it first: this hit counts as held.
    if (inserted.length === 0) return (await hold(tx, channelId, n.subject), null);
    return 0;
  }
  if (n.once) return null;
  if (n.at.getTime() - existing.lastSentAt.getTime() < burstWindowMs) {
    await hold(tx, channelId, n.subject);
    return null;
  }
  await tx
    .update(notificationThrottle)
    .set({ lastSentAt: sql`${at}::timestamptz`, held: 0 })
    .where(and(eq(notificationThrottle.channelId, channelId), eq(notificationThrottle.subject, n.subject)));
  return existing.held;
}

async function hold(tx: DbOrTx, channelId: string, subject: string): Promise<void> {
  await tx
    .update(notificationThrottle)
    .set({ held: sql`${notificationThrottle.held} + 1` })
    .where(and(eq(notificationThrottle.channelId, channelId), eq(notificationThrottle.subject, subject)));
}
