import { bigint, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { writtenBy } from './commit-order';

/**
 * Append-only: migration 0001 installs triggers that refuse UPDATE, DELETE and TRUNCATE.
 * Rows are written only through lib/audit/record-audit.ts, inside the caller's transaction (and, set-based,
 * the contact-view rows of lib/accounts/log-contact-views.ts).
 */
export const auditLog = pgTable(
  'audit_log',
  {
    tx: writtenBy(),
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
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
    index('audit_log_tx_idx').on(t.tx, t.id),
    index('audit_log_time_idx').on(t.occurredAt.desc()),
    index('audit_log_target_idx').on(t.targetType, t.targetId, t.occurredAt.desc()),
    index('audit_log_actor_idx').on(t.actorId, t.occurredAt.desc()),
  ],
);
