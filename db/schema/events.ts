import { sql } from 'drizzle-orm';
import { bigint, boolean, index, inet, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { writtenBy } from './commit-order';

/*
 * Raw events are append-only. Idempotency lives in `seen_events`, not in a unique index here, so these
 * tables are partitioned by month of `occurred_at` (db/partitions.ts, migration 0033: drizzle declares the columns
 * and indexes, the custom migration the partitioning) and can later be distributed by account (docs/data-lifecycle.md). Every row carries its
 * account id and there is no foreign key to `accounts` on purpose (no cross-account fan-out under Citus).
 */

export const loginOutcomes = ['succeeded', 'failed'] as const;
export const loginMethods = ['password', 'otp', 'passkey', 'sso'] as const;
export const loginFailureReasons = [
  'bad_password',
  'unknown_account',
  'account_locked',
  'otp_failed',
  'other',
] as const;
export const otpKinds = ['issued', 'verified', 'failed', 'delivery_failed', 'delivered'] as const;
export const otpChannels = ['sms', 'email', 'voice', 'totp'] as const;
export const otpPurposes = ['login', 'transaction', 'delivery', 'password_reset', 'contact_change'] as const;
export const otpFailureReasons = ['incorrect', 'expired', 'max_attempts'] as const;
export const accountEventTypes = ['contact_changed', 'password_changed', '2fa_changed'] as const;

export type LoginOutcome = (typeof loginOutcomes)[number];
export type OtpKind = (typeof otpKinds)[number];
export type OtpChannel = (typeof otpChannels)[number];
export type OtpPurpose = (typeof otpPurposes)[number];

const contextColumns = {
  ip: inet('ip'),
  userAgent: text('user_agent'),
  deviceId: text('device_id'),
  country: text('country'),
};

export const loginEvents = pgTable(
  'login_events',
  {
    tx: writtenBy(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    eventId: text('event_id').notNull(),
    accountId: uuid('account_id').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    outcome: text('outcome', { enum: loginOutcomes }).notNull(),
    method: text('method', { enum: loginMethods }),
    failureReason: text('failure_reason', { enum: loginFailureReasons }),
    ...contextColumns,
  },
  (t) => [
    index('login_events_tx_idx').on(t.tx, t.id),
    // Reads by time alone use the key's leading column; a separate (occurred_at) index cost every insert and served
    // nothing the key does not (dropped in migration 0040).
    primaryKey({ columns: [t.occurredAt, t.id] }),
    index('login_events_account_time_idx').on(t.accountId, t.occurredAt.desc(), t.id.desc()),
    // "First time seen" marks and new-device / new-country detection look up an account's earlier events by these.
    index('login_events_account_device_idx').on(t.accountId, t.deviceId, t.occurredAt, t.id),
    index('login_events_account_country_idx').on(t.accountId, t.country, t.occurredAt, t.id),
    index('login_events_ip_time_idx')
      .on(t.ip, t.occurredAt)
      .where(sql`${t.ip} is not null`),
  ],
);

export const otpEvents = pgTable(
  'otp_events',
  {
    tx: writtenBy(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    eventId: text('event_id').notNull(),
    accountId: uuid('account_id').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    otpId: text('otp_id').notNull(),
    kind: text('kind', { enum: otpKinds }).notNull(),
    channel: text('channel', { enum: otpChannels }).notNull(),
    purpose: text('purpose', { enum: otpPurposes }).notNull(),
    // incorrect | expired | max_attempts for `failed`; the platform's free text for `delivery_failed`.
    failureReason: text('failure_reason'),
    /**
     * Where an SMS or voice code went, E.164 (`account.phone` on the event, else the account's phone when it
     * was stored): SMS-pumping evidence is found by its prefix. Null for e-mail and app codes.
     */
    destination: text('destination'),
    ...contextColumns,
  },
  (t) => [
    index('otp_events_tx_idx').on(t.tx, t.id),
    // The codes behind an SMS-pumping alert or the prefix table: destination LIKE '+234803%' in a time range.
    index('otp_events_destination_idx')
      .on(t.destination.op('text_pattern_ops'), t.occurredAt)
      .where(sql`${t.destination} is not null`),
    primaryKey({ columns: [t.occurredAt, t.id] }),
    index('otp_events_account_time_idx').on(t.accountId, t.occurredAt.desc(), t.id.desc()),
    // The account timeline shows one row per code: it finds a code's first event and its other events by these.
    index('otp_events_account_code_idx').on(t.accountId, t.otpId, t.occurredAt, t.id),
  ],
);

/** Changes the platform reports about an account: contact changed, password changed, 2FA changed. */
export const accountEvents = pgTable(
  'account_events',
  {
    tx: writtenBy(),
    id: bigint('id', { mode: 'number' }).generatedAlwaysAsIdentity(),
    eventId: text('event_id').notNull(),
    accountId: uuid('account_id').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    type: text('type', { enum: accountEventTypes }).notNull(),
    field: text('field', { enum: ['email', 'phone'] }),
    newValue: text('new_value'),
    twoFactorEnabled: boolean('two_factor_enabled'),
    twoFactorMethod: text('two_factor_method'),
    ...contextColumns,
  },
  (t) => [
    index('account_events_tx_idx').on(t.tx, t.id),
    primaryKey({ columns: [t.occurredAt, t.id] }),
    index('account_events_account_time_idx').on(t.accountId, t.occurredAt.desc(), t.id.desc()),
    // The account timeline shows a contact change's old value: the previous change of the same field.
    index('account_events_contact_idx')
      .on(t.accountId, t.field, t.occurredAt, t.id)
      .where(sql`${t.type} = 'contact_changed'`),
  ],
);

/**
 * The idempotency ledger: every sender event id stored within the raw-event retention window, with when it
 * arrived. One table unique on the event id (a unique index on the partitioned event tables would have to include
 * the time, and a replay arriving later would be stored twice); retention deletes it by arrival time in batches.
 */
export const seenEvents = pgTable(
  'seen_events',
  {
    eventId: text('event_id').primaryKey(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('seen_events_received_idx').on(t.receivedAt)],
);
