import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { writtenBy } from './commit-order';

export const accountStatuses = ['active', 'locked'] as const;
export const twoFactorMethods = ['sms', 'email', 'totp'] as const;
export type TwoFactorMethod = (typeof twoFactorMethods)[number];

/**
 * A customer account of the store. Two kinds of state live side by side (README, "Securing an account"):
 * what the platform reports through events (contacts, enrolled 2FA) and what staff impose
 * (status, reset required, 2FA required). Events never touch the imposed columns or `version`.
 */
export const accounts = pgTable(
  'accounts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    externalId: text('external_id').notNull(),
    displayName: text('display_name'),
    // Reported by the platform; each value remembers the event time that set it.
    email: text('email'),
    emailObservedAt: timestamp('email_observed_at', { withTimezone: true }),
    phone: text('phone'),
    phoneObservedAt: timestamp('phone_observed_at', { withTimezone: true }),
    reportedTwoFactorEnabled: boolean('reported_two_factor_enabled').notNull().default(false),
    reportedTwoFactorMethod: text('reported_two_factor_method', { enum: twoFactorMethods }),
    reportedTwoFactorObservedAt: timestamp('reported_two_factor_observed_at', { withTimezone: true }),
    /** The newest `account.password_changed` the platform reported: it satisfies a reset staff required before it. */
    reportedPasswordChangedAt: timestamp('reported_password_changed_at', { withTimezone: true }),
    /** The account's earliest event (its age, for detection); moves only when an older event arrives. */
    firstEventAt: timestamp('first_event_at', { withTimezone: true }).notNull(),
    // Imposed by staff.
    status: text('status', { enum: accountStatuses }).notNull().default('active'),
    /** Why staff locked the account (a reason code); a lock for a suspected takeover only an admin lifts. */
    lockReasonCode: text('lock_reason_code'),
    passwordResetRequired: boolean('password_reset_required').notNull().default(false),
    /** When staff required the reset; a password change reported after it means the customer did it. */
    passwordResetRequiredAt: timestamp('password_reset_required_at', { withTimezone: true }),
    twoFactorRequired: boolean('two_factor_required').notNull().default(false),
    twoFactorRequiredMethod: text('two_factor_required_method', { enum: twoFactorMethods }),
    /**
     * When an admin approved turning 2FA off (maker-checker). For a customer who enrolled 2FA themselves the
     * platform must remove it: due until it reports a 2FA change made after this time.
     */
    twoFactorOffApprovedAt: timestamp('two_factor_off_approved_at', { withTimezone: true }),
    sessionsValidAfter: timestamp('sessions_valid_after', { withTimezone: true }),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('accounts_external_id_key').on(t.externalId),
    index('accounts_email_idx').on(sql`lower(${t.email})`),
    index('accounts_phone_idx').on(t.phone),
  ],
);

/**
 * When each account was last active. Every event moves it, so it lives apart from `accounts`: there,
 * the search indexes (trigram GIN on contacts and names) would be rewritten on every event, while an
 * update that leaves every indexed column alone stays on its page (a HOT update, no index write; the
 * migration leaves room on the pages for it). Here only this table's two small indexes move.
 */
export const accountActivity = pgTable(
  'account_activity',
  {
    accountId: uuid('account_id')
      .primaryKey()
      .references(() => accounts.id),
    lastEventAt: timestamp('last_event_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    // The account list: most recently active first, keyset-paged.
    index('account_activity_last_event_idx').on(t.lastEventAt.desc().nullsFirst(), t.accountId.desc().nullsFirst()),
  ],
);

/**
 * Customer data erasure (lib/accounts/erase-account.ts). A console request waits here for a second admin; a done
 * erasure keeps only when it happened, who asked and approved, the pseudonymous account id the rows moved to, and
 * a keyed hash of the platform's id (so a repeated DELETE answers with the first `erasedAt`, never the id itself).
 */
export const accountErasures = pgTable(
  'account_erasures',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** The account while the request waits; the pseudonymous id once erased. */
    accountId: uuid('account_id').notNull(),
    status: text('status', { enum: ['requested', 'erased', 'cancelled'] }).notNull(),
    /**
     * HMAC-SHA256 of the platform's account id (lib/accounts/platform-key.ts), set when erased; null again when the
     * same platform id, seen again, is erased again (the later erasure's row holds it).
     */
    platformKey: text('platform_key'),
    via: text('via', { enum: ['api', 'console'] }).notNull(),
    requestedBy: uuid('requested_by'),
    approvedBy: uuid('approved_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    erasedAt: timestamp('erased_at', { withTimezone: true }),
    /**
     * The transaction that last wrote the row (a trigger moves it on every update): a done erasure is an
     * `account.erased` record on the events and alerts streams, in the order of the erasure's commit.
     */
    tx: writtenBy(),
  },
  (t) => [
    uniqueIndex('account_erasures_platform_key').on(t.platformKey),
    index('account_erasures_tx_idx').on(t.tx, t.id),
    uniqueIndex('account_erasures_one_pending')
      .on(t.accountId)
      .where(sql`${t.status} = 'requested'`),
  ],
);

/** Explicit legal holds set by admins (a reason is required); open alerts and reports hold an account too. */
export const accountHolds = pgTable(
  'account_holds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    accountId: uuid('account_id').notNull(),
    reason: text('reason').notNull(),
    setBy: uuid('set_by'),
    setAt: timestamp('set_at', { withTimezone: true }).notNull().defaultNow(),
    releasedBy: uuid('released_by'),
    releasedAt: timestamp('released_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('account_holds_one_active')
      .on(t.accountId)
      .where(sql`${t.releasedAt} is null`),
  ],
);
