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
import { accounts } from './accounts';
import { staffUsers } from './staff';

export const reportCategories = [
  'unrequested_code',
  'impersonation',
  'phishing',
  'unauthorized_order',
  'delivery_code',
  'other',
] as const;
export type ReportCategory = (typeof reportCategories)[number];
export const reportStatuses = ['new', 'triaged', 'investigating', 'awaiting_customer', 'resolved', 'rejected'] as const;
export type ReportStatus = (typeof reportStatuses)[number];
export const reportPriorities = ['low', 'normal', 'high', 'urgent'] as const;
export type ReportPriority = (typeof reportPriorities)[number];
export const reportResolutions = [
  'account_secured',
  'confirmed_fraud',
  'customer_error',
  'no_action_needed',
  'duplicate',
] as const;

/**
 * A fraud report a customer filed (web form or the platform's apps). The customer's words are stored as
 * typed and rendered inert. `reference` is what the customer holds: random, not sequential.
 */
export const fraudReports = pgTable(
  'fraud_reports',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    reference: text('reference').notNull(),
    category: text('category', { enum: reportCategories }).notNull(),
    status: text('status', { enum: reportStatuses }).notNull().default('new'),
    priority: text('priority', { enum: reportPriorities }).notNull(),
    dueAt: timestamp('due_at', { withTimezone: true }).notNull(),
    email: text('email'),
    /** E.164. */
    phone: text('phone'),
    occurredAt: timestamp('occurred_at', { withTimezone: true }),
    description: text('description').notNull(),
    details: jsonb('details').$type<Record<string, string>>().notNull().default({}),
    contactPreference: text('contact_preference'),
    /** From the "Didn't ask for this code?" link. */
    otpId: text('otp_id'),
    accountId: uuid('account_id').references(() => accounts.id),
    /** Accounts that matched when more than one did: the agent picks. */
    candidateAccountIds: jsonb('candidate_account_ids').$type<string[]>().notNull().default([]),
    /** Grouping keys for campaigns: the sender or caller number (E.164 when it parses) and the link's domain. */
    senderNumber: text('sender_number'),
    callerNumber: text('caller_number'),
    linkDomain: text('link_domain'),
    source: text('source', { enum: ['web', 'api'] }).notNull(),
    clientIp: text('client_ip'),
    assigneeId: uuid('assignee_id').references(() => staffUsers.id),
    resolution: text('resolution', { enum: reportResolutions }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
    closedAt: timestamp('closed_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('fraud_reports_reference_key').on(t.reference),
    index('fraud_reports_queue_idx').on(t.status, t.priority, t.dueAt),
    index('fraud_reports_account_idx').on(t.accountId, t.createdAt.desc()),
    index('fraud_reports_email_idx').on(sql`lower(${t.email})`),
    index('fraud_reports_phone_idx').on(t.phone),
    index('fraud_reports_sender_idx')
      .on(t.senderNumber)
      .where(sql`${t.senderNumber} is not null`),
    index('fraud_reports_domain_idx')
      .on(t.linkDomain)
      .where(sql`${t.linkDomain} is not null`),
  ],
);

/** What Vigil attached at filing time: OTP events, new-device logins, open alerts, contact changes. */
export const reportEvidence = pgTable(
  'report_evidence',
  {
    reportId: uuid('report_id')
      .notNull()
      .references(() => fraudReports.id),
    kind: text('kind', { enum: ['otp', 'login', 'alert', 'contact_change', 'account_change'] }).notNull(),
    refId: text('ref_id').notNull(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull(),
    summary: jsonb('summary').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [primaryKey({ columns: [t.reportId, t.kind, t.refId] })],
);

/** Internal notes and public replies (public ones show on the status page and go out as a customer notice). */
export const reportMessages = pgTable(
  'report_messages',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    reportId: uuid('report_id')
      .notNull()
      .references(() => fraudReports.id),
    visibility: text('visibility', { enum: ['internal', 'public'] }).notNull(),
    authorId: uuid('author_id').references(() => staffUsers.id),
    body: text('body').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('report_messages_report_idx').on(t.reportId, t.createdAt)],
);

/**
 * "Not me" links: a signed, opaque link in a customer notice (or one the platform asked for) that opens the
 * report form about that account with the triggering events attached. Only the token's SHA-256 is stored.
 * Opening never uses it (mail scanners open links); filing does, once.
 */
export const reportLinks = pgTable(
  'report_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull(),
    accountId: uuid('account_id').notNull(),
    /** The platform's ids of the events the link is about (attached as evidence when the report is filed). */
    eventIds: text('event_ids')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    category: text('category', { enum: reportCategories }).notNull(),
    source: text('source', { enum: ['notice', 'api'] }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    reportId: uuid('report_id').references(() => fraudReports.id),
  },
  (t) => [uniqueIndex('report_links_token_idx').on(t.tokenHash), index('report_links_account_idx').on(t.accountId)],
);
