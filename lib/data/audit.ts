import { and, desc, eq, gte, ilike, lte, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { auditLog } from '@/db/schema';
import { timestamptz } from '@/db/sql-helpers';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { utcFromLocalInput } from '@/lib/search-params';
import { escapeLike } from './accounts';
import { CursorTime } from './pagination';

export interface AuditEntryView {
  id: number;
  occurredAt: Date;
  actorEmail: string;
  actorRole: string;
  action: string;
  targetType: string;
  targetId: string;
  reason: string | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  requestId: string | null;
}

const columns = {
  id: auditLog.id,
  occurredAt: auditLog.occurredAt,
  actorEmail: auditLog.actorEmail,
  actorRole: auditLog.actorRole,
  action: auditLog.action,
  targetType: auditLog.targetType,
  targetId: auditLog.targetId,
  reason: auditLog.reason,
  before: auditLog.before,
  after: auditLog.after,
  requestId: auditLog.requestId,
};

export const AuditFilters = z.object({
  actor: z.string().trim().max(320).optional().catch(undefined),
  action: z.string().trim().max(100).optional().catch(undefined),
  target: z.string().trim().max(200).optional().catch(undefined),
  from: z.preprocess(utcFromLocalInput, CursorTime.optional()).catch(undefined),
  to: z.preprocess(utcFromLocalInput, CursorTime.optional()).catch(undefined),
});
export type AuditFilters = z.infer<typeof AuditFilters>;

export const auditPageSize = 100;
export const auditExportLimit = 50_000;

/**
 * The audit log, newest first, searched by actor (e-mail, partly), action (prefix, e.g. `account.` or
 * `account.lock`), target (its id, or `type:id`) and time. Analysts and admins only.
 */
export async function searchAudit(db: Db, actor: Actor, filters: AuditFilters, limit = auditPageSize): Promise<AuditEntryView[]> {
  requirePermission(actor, 'audit.view');
  const where: SQL[] = [];
  if (filters.actor) where.push(ilike(auditLog.actorEmail, `%${escapeLike(filters.actor)}%`));
  if (filters.action) where.push(ilike(auditLog.action, `${escapeLike(filters.action)}%`));
  if (filters.target) {
    const [type, id] = filters.target.includes(':') ? filters.target.split(':', 2) : [undefined, filters.target];
    if (type) where.push(eq(auditLog.targetType, type));
    if (id) where.push(eq(auditLog.targetId, id));
  }
  if (filters.from) where.push(gte(auditLog.occurredAt, timestamptz(new Date(filters.from))));
  if (filters.to) where.push(lte(auditLog.occurredAt, timestamptz(new Date(filters.to))));
  return db
    .select(columns)
    .from(auditLog)
    .where(where.length > 0 ? and(...where) : undefined)
    .orderBy(desc(auditLog.occurredAt), desc(auditLog.id))
    .limit(Math.min(limit, auditExportLimit));
}

/** One account's trail, for its page: every role that may see the account sees what was done to it. */
export async function accountTrail(db: Db, actor: Actor, accountId: string): Promise<AuditEntryView[]> {
  requirePermission(actor, 'accounts.view');
  return db
    .select(columns)
    .from(auditLog)
    .where(and(eq(auditLog.targetType, 'account'), eq(auditLog.targetId, accountId)))
    .orderBy(desc(auditLog.occurredAt), desc(auditLog.id))
    .limit(100);
}
