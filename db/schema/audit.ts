import { bigint, index, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { writtenBy } from './commit-order';

/**
 * Append-only: migration 0001 installs triggers that refuse UPDATE, DELETE and TRUNCATE (0037 keeps them on the
 * partitioned table, where PostgreSQL clones the row trigger onto every partition). Range-partitioned by month of
 * `occurred_at` (`audit_log_pYYYY_MM`, made ahead through the SECURITY DEFINER function `audit_log_ensure_months`,
 * which the application's role may call but not change; `audit_log_default` catches a month nobody made). Only
 * `vigil retention run`, as the migration role, drops whole months past VIGIL_RETENTION_AUDIT_DAYS.
 * Rows are written only through lib/audit/record-audit.ts, inside the caller's transaction (and, set-based,
 * the contact-view rows of lib/accounts/log-contact-views.ts).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    tx: writtenBy(),
    id: bigint('id', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    actorId: uuid('actor_id'),
    actorEmail: text('actor_email').notNull(),
    actorRole: text('actor_role').notNull(),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id').notNull(),
    reason: text('reason'),
    before: jsonb('before').$type<Record<string, unknown>>(),
    after: jsonb('after').$type<Record<string, unknown>>(),
    requestId: text('request_id'),
    ip: text('ip'),
  },
  (t) => [
    // Partitioned by month of occurred_at (migration 0037): the key must hold the partition column.
    primaryKey({ columns: [t.occurredAt, t.id] }),
    index('audit_log_tx_idx').on(t.tx, t.id),
    // The key is (occurred_at, id) now: a page cursor names a row by id alone (lib/audit/audit-log.ts).
    index('audit_log_id_idx').on(t.id),
    index('audit_log_time_idx').on(t.occurredAt.desc()),
    index('audit_log_target_idx').on(t.targetType, t.targetId, t.occurredAt.desc()),
    index('audit_log_actor_idx').on(t.actorId, t.occurredAt.desc()),
  ],
);
