import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const staffRoles = ['agent', 'analyst', 'admin'] as const;
export type StaffRole = (typeof staffRoles)[number];

export const staffUsers = pgTable(
  'staff_users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: staffRoles }).notNull(),
    passwordHash: text('password_hash').notNull(),
    disabled: boolean('disabled').notNull().default(false),
    failedLoginCount: integer('failed_login_count').notNull().default(0),
    lockedUntil: timestamp('locked_until', { withTimezone: true }),
    // Bumped when a staff member is disabled or their password is reset: every older session dies.
    sessionVersion: integer('session_version').notNull().default(1),
    lastSignInAt: timestamp('last_sign_in_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('staff_users_email_key').on(sql`lower(${t.email})`)],
);

export const staffSessions = pgTable(
  'staff_sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    // SHA-256 of the random token that rides (encrypted) inside the next-auth JWT.
    tokenHash: text('token_hash').notNull(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staffUsers.id),
    sessionVersion: integer('session_version').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    ip: text('ip'),
    userAgent: text('user_agent'),
    // Null while only the password has been checked: the session can reach the second-factor pages and sign-out,
    // nothing else. Set (and refreshed by step-up) when a second factor is verified.
    factorVerifiedAt: timestamp('factor_verified_at', { withTimezone: true }),
    // The WebAuthn challenge this session was last given (registration or authentication), used once.
    webauthnChallenge: text('webauthn_challenge'),
  },
  (t) => [
    uniqueIndex('staff_sessions_token_hash_key').on(t.tokenHash),
    index('staff_sessions_staff_idx').on(t.staffId),
  ],
);

export const staffFactorKinds = ['totp', 'passkey'] as const;
export type StaffFactorKind = (typeof staffFactorKinds)[number];

/**
 * A staff member's second factors. An authenticator app keeps its seed encrypted (lib/auth/secret-box.ts, with a
 * key that does not live in this database) and the last time step it accepted (a code is used once); a passkey
 * keeps its WebAuthn credential. A factor is usable once confirmed.
 */
export const staffFactors = pgTable(
  'staff_factors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staffUsers.id),
    kind: text('kind', { enum: staffFactorKinds }).notNull(),
    label: text('label').notNull(),
    secretCiphertext: text('secret_ciphertext'),
    lastUsedStep: bigint('last_used_step', { mode: 'number' }),
    credentialId: text('credential_id'),
    publicKey: text('public_key'),
    signCount: bigint('sign_count', { mode: 'number' }).notNull().default(0),
    transports: text('transports').array(),
    confirmedAt: timestamp('confirmed_at', { withTimezone: true }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('staff_factors_staff_idx').on(t.staffId),
    uniqueIndex('staff_factors_credential_key').on(t.credentialId),
  ],
);

/** Ten single-use recovery codes per staff member, stored as SHA-256 hashes; shown once when made. */
export const staffRecoveryCodes = pgTable(
  'staff_recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staffUsers.id),
    codeHash: text('code_hash').notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('staff_recovery_codes_hash_key').on(t.staffId, t.codeHash)],
);

/**
 * One-time enrolment links: a new staff member (or one whose password was reset) sets their own password and
 * second factor through one; an admin never sees or chooses another person's password. Valid 24 h, single use;
 * only the token's SHA-256 is kept.
 */
export const staffEnrolmentLinks = pgTable(
  'staff_enrolment_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    staffId: uuid('staff_id')
      .notNull()
      .references(() => staffUsers.id),
    tokenHash: text('token_hash').notNull(),
    /** The admin who issued it (null: the operator at the CLI); such an admin cannot approve this person's requests. */
    issuedBy: uuid('issued_by'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('staff_enrolment_links_token_key').on(t.tokenHash),
    index('staff_enrolment_links_staff_idx').on(t.staffId),
  ],
);

/** Challenges of passkey sign-ins that start without a session (the passkey names the person); each used once. */
export const webauthnChallenges = pgTable('webauthn_challenges', {
  challenge: text('challenge').primaryKey(),
  expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
});
