import { bigint, integer, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';

export const pushStreamKinds = ['events', 'alerts', 'audit'] as const;

/**
 * Admin → Streams: an HTTP endpoint (Splunk HEC, Datadog logs, Vector, Elastic) that receives one stream as
 * NDJSON batches. `cursor` is the stream's own cursor (lib/streams/read-stream.ts), moved only after the
 * endpoint took a batch: a destination that is down keeps its place and catches up when it is back.
 */
export const streamDestinations = pgTable('stream_destinations', {
  id: uuid('id').primaryKey().defaultRandom(),
  stream: text('stream', { enum: pushStreamKinds }).notNull(),
  url: text('url').notNull(),
  /** Sent as the Authorization header (`Splunk <token>`, `Bearer …`); never shown again. */
  authorization: text('authorization'),
  cursor: text('cursor'),
  delivered: bigint('delivered', { mode: 'number' }).notNull().default(0),
  /** Failed attempts since the last success: the wait before the next one grows with it, up to 5 minutes. */
  attempts: integer('attempts').notNull().default(0),
  nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
  lastDeliveredAt: timestamp('last_delivered_at', { withTimezone: true }),
  failingSince: timestamp('failing_since', { withTimezone: true }),
  lastError: text('last_error'),
  createdBy: text('created_by').notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});
