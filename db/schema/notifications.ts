import { boolean, index, integer, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const channelTypes = ['slack', 'email', 'webhook'] as const;
export type ChannelType = (typeof channelTypes)[number];

export const notificationTopics = [
  'alert.opened',
  'alert.escalated',
  'report.filed',
  'report.sla_breached',
  'staff.locked_out',
  'ingest.stalled',
] as const;
export type NotificationTopic = (typeof notificationTopics)[number];

/**
 * Where the security team is told: a Slack-style incoming webhook, an e-mail address, or a signed JSON webhook.
 * Messages go through the outbox (kind `channel`), written in the transaction of what caused them.
 */
export const notificationChannels = pgTable('notification_channels', {
  id: uuid('id').primaryKey().defaultRandom(),
  type: text('type', { enum: channelTypes }).notNull(),
  target: text('target').notNull(),
  /** Alert topics below this severity are not sent. */
  minSeverity: text('min_severity', { enum: ['low', 'medium', 'high', 'critical'] })
    .notNull()
    .default('low'),
  /** Null: every topic. */
  topics: text('topics').array(),
  /** Contacts, names and IPs are masked in this channel's messages. */
  masked: boolean('masked').notNull().default(false),
  /** For `webhook` channels: the HMAC key of Vigil-Signature (shown once, like the account webhook's). */
  secret: text('secret'),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  lastDeliveredAt: timestamp('last_delivered_at', { withTimezone: true }),
  /** Set by the first failed attempt after a success (or since creation); cleared by the next success. */
  failingSince: timestamp('failing_since', { withTimezone: true }),
});

/**
 * Burst control: one message per (channel, subject) per window; hits in between are held and counted in the next
 * message. A subject is `alert:<id>`, or for once-only topics `<topic>:<id>`.
 */
export const notificationThrottle = pgTable(
  'notification_throttle',
  {
    channelId: uuid('channel_id')
      .notNull()
      .references(() => notificationChannels.id, { onDelete: 'cascade' }),
    subject: text('subject').notNull(),
    lastSentAt: timestamp('last_sent_at', { withTimezone: true }).notNull(),
    held: integer('held').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.channelId, t.subject] }), index('notification_throttle_time_idx').on(t.lastSentAt)],
);
