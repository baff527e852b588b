import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { accounts } from './accounts';
import { staffUsers } from './staff';

export const actionReasonCodes = [
  'customer_request_verified',
  'suspected_takeover',
  'fraud_report',
  'false_positive',
] as const;
export type ActionReasonCode = (typeof actionReasonCodes)[number];

/**
 * Idempotency of staff actions: every submission carries a key; the first one to arrive does the work
 * and stores its result here, a double click or a retry with the same key gets that result back.
 */
export const staffActionRequests = pgTable('staff_action_requests', {
  idempotencyKey: text('idempotency_key').primaryKey(),
  actorId: uuid('actor_id'),
  action: text('action').notNull(),
  targetId: text('target_id').notNull(),
  result: jsonb('result').$type<Record<string, unknown>>(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const twoFactorOffStatuses = ['pending', 'approved', 'rejected', 'expired'] as const;

/** Turning 2FA off takes two people: an agent or admin asks, a different admin approves within 24 h. */
export const twoFactorOffRequests = pgTable(
  'two_factor_off_requests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id')
      .notNull()
      .references(() => accounts.id),
    requestedBy: uuid('requested_by')
      .notNull()
      .references(() => staffUsers.id),
    reasonCode: text('reason_code', { enum: actionReasonCodes }).notNull(),
    note: text('note').notNull(),
    /** The 2FA staff imposed when the request was filed: if someone changed it since, approval is refused. */
    imposedRequired: boolean('imposed_required'),
    imposedMethod: text('imposed_method'),
    status: text('status', { enum: twoFactorOffStatuses }).notNull().default('pending'),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    decidedBy: uuid('decided_by').references(() => staffUsers.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('two_factor_off_one_pending')
      .on(t.accountId)
      .where(sql`${t.status} = 'pending'`),
    index('two_factor_off_status_idx').on(t.status, t.createdAt),
  ],
);

export const outboxKinds = ['webhook', 'notice', 'channel'] as const;
export const outboxStatuses = ['pending', 'delivered', 'failed'] as const;

/**
 * Messages to the outside world, written in the same transaction as the action that caused them and
 * delivered afterwards by a worker in the server process: `webhook` (account.security_changed to the
 * platform) and `notice` (a message to the customer). Delivered in order per account and kind.
 */
export const outbox = pgTable(
  'outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    kind: text('kind', { enum: outboxKinds }).notNull(),
    /** Null for a reply to a report that matched no account (it goes to the contact the customer gave). */
    accountId: uuid('account_id'),
    topic: text('topic').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: outboxStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true }),
  },
  (t) => [
    index('outbox_pending_idx').on(t.status, t.nextAttemptAt, t.id),
    index('outbox_account_idx').on(t.accountId, t.kind, t.id),
  ],
);

/** Every webhook delivery attempt, for the admin page's delivery log. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    outboxId: bigint('outbox_id', { mode: 'number' }).notNull(),
    attemptedAt: timestamp('attempted_at', { withTimezone: true }).notNull().defaultNow(),
    url: text('url').notNull(),
    /** Set for a notification channel's attempt (kind `channel`); null for the account webhook's. */
    channelId: uuid('channel_id'),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
  },
  (t) => [
    index('webhook_deliveries_time_idx').on(t.attemptedAt.desc()),
    index('webhook_deliveries_channel_idx').on(t.channelId, t.attemptedAt.desc()),
  ],
);
