import { sql } from 'drizzle-orm';
import { bigint, boolean, index, pgTable, primaryKey, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core';

/*
 * Hourly rollups, kept true by the ingest pipeline in the same transaction as the raw events; charts read
 * these, never the raw tables. Their keys answer every groupBy × filter of the metrics API. Absent values
 * are '' (a country the platform did not send, the reason of an event that has none), never NULL, so
 * they can be part of the primary key. Each key is split over a few `shard` rows, one picked per
 * transaction, so concurrent batches counting the same hour do not queue on one hot row; readers sum
 * over shards. Once a period is closed, compaction merges its shards into shard 0 (lib/ingest/compact-rollups.ts);
 * the partial `…_uncompacted_idx` indexes find the periods still to merge.
 */
export const rollupShards = 8;

// Column sets are functions: drizzle needs fresh column builders for each table.
const otpCounter = () => ({ country: text('country').notNull(), ...otpCounterWithoutCountry() });
const otpCounterWithoutCountry = () => ({
  channel: text('channel').notNull(),
  purpose: text('purpose').notNull(),
  kind: text('kind').notNull(),
  /** incorrect | expired | max_attempts for `failed`; '' otherwise (delivery reasons are free text). */
  reason: text('reason').notNull(),
  shard: smallint('shard').notNull().default(0),
  count: bigint('count', { mode: 'number' }).notNull(),
});
const loginCounter = () => ({ country: text('country').notNull(), ...loginCounterWithoutCountry() });
const loginCounterWithoutCountry = () => ({
  outcome: text('outcome').notNull(),
  reason: text('reason').notNull(),
  shard: smallint('shard').notNull().default(0),
  count: bigint('count', { mode: 'number' }).notNull(),
});

export const otpRollupHourly = pgTable(
  'otp_rollup_hourly',
  { hour: timestamp('hour', { withTimezone: true }).notNull(), ...otpCounter() },
  (t) => [
    primaryKey({ columns: [t.hour, t.channel, t.purpose, t.country, t.kind, t.reason, t.shard] }),
    index('otp_rollup_hourly_uncompacted_idx')
      .on(t.hour)
      .where(sql`${t.shard} <> 0`),
  ],
);

export const loginRollupHourly = pgTable(
  'login_rollup_hourly',
  { hour: timestamp('hour', { withTimezone: true }).notNull(), ...loginCounter() },
  (t) => [
    primaryKey({ columns: [t.hour, t.outcome, t.reason, t.country, t.shard] }),
    index('login_rollup_hourly_uncompacted_idx')
      .on(t.hour)
      .where(sql`${t.shard} <> 0`),
  ],
);

/** The same counts per UTC day, so day charts over months read a few thousand rows, not hundreds of thousands. */
export const otpRollupDaily = pgTable(
  'otp_rollup_daily',
  { day: timestamp('day', { withTimezone: true }).notNull(), ...otpCounter() },
  (t) => [
    primaryKey({ columns: [t.day, t.channel, t.purpose, t.country, t.kind, t.reason, t.shard] }),
    index('otp_rollup_daily_uncompacted_idx')
      .on(t.day)
      .where(sql`${t.shard} <> 0`),
  ],
);

export const loginRollupDaily = pgTable(
  'login_rollup_daily',
  { day: timestamp('day', { withTimezone: true }).notNull(), ...loginCounter() },
  (t) => [
    primaryKey({ columns: [t.day, t.outcome, t.reason, t.country, t.shard] }),
    index('login_rollup_daily_uncompacted_idx')
      .on(t.day)
      .where(sql`${t.shard} <> 0`),
  ],
);

/**
 * The daily counts summed over every country: what most day charts ask for (no country filter, not
 * split by country), in a few dozen rows a day instead of a few thousand, so a 90-day chart sums
 * thousands of rows, not hundreds of thousands. Kept in the same transaction as the others.
 */
export const otpRollupDailyAll = pgTable(
  'otp_rollup_daily_all',
  { day: timestamp('day', { withTimezone: true }).notNull(), ...otpCounterWithoutCountry() },
  (t) => [
    primaryKey({ columns: [t.day, t.channel, t.purpose, t.kind, t.reason, t.shard] }),
    index('otp_rollup_daily_all_uncompacted_idx')
      .on(t.day)
      .where(sql`${t.shard} <> 0`),
  ],
);

export const loginRollupDailyAll = pgTable(
  'login_rollup_daily_all',
  { day: timestamp('day', { withTimezone: true }).notNull(), ...loginCounterWithoutCountry() },
  (t) => [
    primaryKey({ columns: [t.day, t.outcome, t.reason, t.shard] }),
    index('login_rollup_daily_all_uncompacted_idx')
      .on(t.day)
      .where(sql`${t.shard} <> 0`),
  ],
);

/**
 * SMS and voice codes by destination prefix: the country calling code and the first six digits of the
 * national number (`+234803123`), issued and verified. The SMS-pumping rule reads the minute rows of a
 * window; the analytics prefix table reads the hourly rows of a range. Neither scans raw events.
 */
const prefixCounter = () => ({
  countryCode: text('country_code').notNull(),
  prefix: text('prefix').notNull(),
  /** issued | verified */
  kind: text('kind').notNull(),
  shard: smallint('shard').notNull().default(0),
  count: bigint('count', { mode: 'number' }).notNull(),
});

export const otpPrefixRollupMinute = pgTable(
  'otp_prefix_rollup_minute',
  { minute: timestamp('minute', { withTimezone: true }).notNull(), ...prefixCounter() },
  (t) => [
    primaryKey({ columns: [t.minute, t.countryCode, t.prefix, t.kind, t.shard] }),
    index('otp_prefix_rollup_minute_country_idx').on(t.countryCode, t.minute),
  ],
);

export const otpPrefixRollupHourly = pgTable(
  'otp_prefix_rollup_hourly',
  { hour: timestamp('hour', { withTimezone: true }).notNull(), ...prefixCounter() },
  (t) => [
    primaryKey({ columns: [t.hour, t.countryCode, t.prefix, t.kind, t.shard] }),
    index('otp_prefix_rollup_hourly_uncompacted_idx')
      .on(t.hour)
      .where(sql`${t.shard} <> 0`),
  ],
);

/**
 * One row per code (account, otpId), pairing its events whatever order they arrive in: when it was issued,
 * delivered (the provider confirmed) and verified, and whether its delivery and use times were counted in
 * `otp_latency_hourly` yet (each once, when both ends are known).
 */
export const otpCodes = pgTable(
  'otp_codes',
  {
    accountId: uuid('account_id').notNull(),
    otpId: text('otp_id').notNull(),
    channel: text('channel').notNull(),
    purpose: text('purpose').notNull(),
    /** The issued event's country ('' when the platform sent none, or the issued event has not arrived). */
    country: text('country').notNull().default(''),
    issuedAt: timestamp('issued_at', { withTimezone: true }),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
    verifiedAt: timestamp('verified_at', { withTimezone: true }),
    deliveryCounted: boolean('delivery_counted').notNull().default(false),
    verifyCounted: boolean('verify_counted').notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.accountId, t.otpId] })],
);

/** Latency buckets (upper bounds in seconds; `more` above 120 s): a percentile is the bound of its bucket. */
export const latencyBuckets = ['5', '10', '30', '60', '120', 'more'] as const;

/** Codes by the hour they were issued: how long they took to arrive (`delivered`) and to be used (`verified`). */
export const otpLatencyHourly = pgTable(
  'otp_latency_hourly',
  {
    hour: timestamp('hour', { withTimezone: true }).notNull(),
    channel: text('channel').notNull(),
    purpose: text('purpose').notNull(),
    country: text('country').notNull(),
    /** delivered | verified */
    measure: text('measure').notNull(),
    bucket: text('bucket', { enum: latencyBuckets }).notNull(),
    shard: smallint('shard').notNull().default(0),
    count: bigint('count', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.hour, t.channel, t.purpose, t.country, t.measure, t.bucket, t.shard] }),
    index('otp_latency_hourly_uncompacted_idx')
      .on(t.hour)
      .where(sql`${t.shard} <> 0`),
  ],
);
