import { sql } from 'drizzle-orm';
import {
  bigint,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { writtenBy } from './commit-order';
import { staffUsers } from './staff';

export const alertRules = [
  'unrequested_otp_burst',
  'otp_guessing',
  'password_bruteforce',
  'credential_stuffing',
  'new_device_new_country',
  'impossible_travel',
  'contact_change_then_risk',
  'sms_pumping',
] as const;
export type AlertRule = (typeof alertRules)[number];

export const alertSeverities = ['critical', 'high', 'medium', 'low'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

export const alertStatuses = ['open', 'acknowledged', 'resolved', 'dismissed'] as const;
export type AlertStatus = (typeof alertStatuses)[number];
/** Statuses in which an alert still collects hits; at most one such alert per (subject, rule). */
export const activeAlertStatuses = ['open', 'acknowledged'] as const satisfies readonly AlertStatus[];

/** A prefix is a phone-number prefix (`+234803`): SMS pumping targets a range of numbers, not an account. */
export const alertSubjectTypes = ['account', 'ip', 'prefix'] as const;
export type AlertSubjectType = (typeof alertSubjectTypes)[number];

/**
 * One alert per (subject, rule) while it is open or acknowledged: later hits add evidence and bump
 * `hit_count` instead of opening another. `first_seen`/`last_seen` are event times (occurredAt) of the
 * earliest and latest evidence; `detected_at`/`updated_at` are when Vigil raised and last touched it.
 */
export const alerts = pgTable(
  'alerts',
  {
    tx: writtenBy(),
    id: uuid('id').primaryKey().defaultRandom(),
    rule: text('rule', { enum: alertRules }).notNull(),
    severity: text('severity', { enum: alertSeverities }).notNull(),
    status: text('status', { enum: alertStatuses }).notNull().default('open'),
    subjectType: text('subject_type', { enum: alertSubjectTypes }).notNull(),
    /** The platform's account id, or the IP address, as sent in events. */
    subjectId: text('subject_id').notNull(),
    /** Vigil's account id when the subject is an account (the account page lists its alerts by it). */
    accountId: uuid('account_id'),
    firstSeen: timestamp('first_seen', { withTimezone: true }).notNull(),
    lastSeen: timestamp('last_seen', { withTimezone: true }).notNull(),
    hitCount: integer('hit_count').notNull().default(1),
    evidenceCount: integer('evidence_count').notNull().default(0),
    /** What the rule found, for people: counts, countries, distance, accounts involved. */
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    assigneeId: uuid('assignee_id').references(() => staffUsers.id),
    resolutionReason: text('resolution_reason'),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    detectedAt: timestamp('detected_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('alerts_tx_idx').on(t.tx, t.id),
    uniqueIndex('alerts_one_active_per_subject_rule')
      .on(t.subjectType, t.subjectId, t.rule)
      .where(sql`${t.status} in ('open', 'acknowledged')`),
    index('alerts_first_seen_idx').on(t.firstSeen.desc(), t.id.desc()),
    index('alerts_last_seen_idx').on(t.lastSeen),
    index('alerts_account_idx').on(t.accountId, t.firstSeen.desc()),
    index('alerts_status_idx').on(t.status, t.severity, t.firstSeen),
  ],
);

/**
 * The events that triggered an alert, by the platform's event id, with enough of each event to show it
 * without a join (evidence of an IP alert spans many accounts).
 */
export const alertEvidence = pgTable(
  'alert_evidence',
  {
    alertId: uuid('alert_id')
      .notNull()
      .references(() => alerts.id),
    eventId: text('event_id').notNull(),
    eventType: text('event_type').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    accountId: uuid('account_id').notNull(),
    summary: jsonb('summary').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    primaryKey({ columns: [t.alertId, t.eventId] }),
    index('alert_evidence_order_idx').on(t.alertId, t.occurredAt, t.eventId),
    // An account's evidence across alerts: its export, its erasure (which keeps ingest waiting while it reads), holds.
    index('alert_evidence_account_idx').on(t.accountId),
  ],
);

/**
 * Detection work that is not done yet: one row per stored batch (its accounts and IPs, their new events and
 * time spans), written in the batch's own transaction, so committed events are never left unexamined. The
 * server that stored the batch runs detection right after commit and deletes the row; while it does, the
 * lease keeps others off it. A row whose lease ran out (its server stopped or crashed first, or gave up
 * after retries) is claimed by whichever server sweeps next, and run again (detection is idempotent).
 */
export const detectionBacklog = pgTable(
  'detection_backlog',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** The work in the compact form of lib/detection/work (`workToJson`). */
    work: jsonb('work').notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }).notNull(),
    /** Sweeps that claimed the row: each one leases it for longer. */
    attempts: integer('attempts').notNull().default(0),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('detection_backlog_lease_idx').on(t.leaseUntil)],
);

export const backtestStatuses = ['queued', 'running', 'done', 'cancelled', 'failed'] as const;
export type BacktestStatus = (typeof backtestStatuses)[number];

/**
 * Detection rules → Preview: one rule re-run read-only, with proposed thresholds, over the last `days` of stored
 * events, as a background job (lib/detection/backtest-jobs.ts). `progress` counts subjects; `result` is the
 * comparison the page shows (lib/detection/backtest.ts). A running job holds a lease: a server that dies mid-run
 * leaves it to the next pass of any server.
 */
export const detectionBacktests = pgTable(
  'detection_backtests',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    rule: text('rule', { enum: alertRules }).notNull(),
    /** The rule's proposed settings, as the settings schema parsed them. */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
    days: integer('days').notNull(),
    status: text('status', { enum: backtestStatuses }).notNull().default('queued'),
    done: integer('done').notNull().default(0),
    total: integer('total'),
    result: jsonb('result').$type<Record<string, unknown>>(),
    error: text('error'),
    requestedBy: uuid('requested_by').references(() => staffUsers.id),
    requestedByEmail: text('requested_by_email').notNull(),
    leaseUntil: timestamp('lease_until', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [index('detection_backtests_status_idx').on(t.status, t.createdAt)],
);
