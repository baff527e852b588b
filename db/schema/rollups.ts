import { bigint, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/*
 * Hourly rollups, kept true by the ingest pipeline in the same transaction as the raw events; charts read
 * these, never the raw tables. Their keys answer every groupBy × filter of the metrics API. Absent values
 * are '' (a country the platform did not send, the reason of an event that has none), never NULL, so
 * they can be part of the primary key.
 */

export const otpRollupHourly = pgTable(
  'otp_rollup_hourly',
  {
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    channel: text('channel').notNull(),
    purpose: text('purpose').notNull(),
    country: text('country').notNull(),
    kind: text('kind').notNull(),
    /** incorrect | expired | max_attempts for `failed`; '' otherwise (delivery reasons are free text). */
    reason: text('reason').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.hour, t.channel, t.purpose, t.country, t.kind, t.reason] })],
);

export const loginRollupHourly = pgTable(
  'login_rollup_hourly',
  {
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    outcome: text('outcome').notNull(),
    reason: text('reason').notNull(),
    country: text('country').notNull(),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.hour, t.outcome, t.reason, t.country] })],
);
