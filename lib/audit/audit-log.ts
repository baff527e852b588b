import { and, asc, desc, eq, gte, ilike, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { auditLog } from '@/db/schema';
import { timestamptz } from '@/db/sql-helpers';
import { authorize, type ServiceContext } from '@/lib/context';
import { utcFromLocalInput } from '@/lib/search-params';
import { escapeLike } from '@/lib/accounts/accounts';
import { keysetPage } from '@/lib/paging/keyset-page';
import { CursorTime, type Page, type PageDirection } from '@/lib/paging/cursor';

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

function auditWhere(filters: AuditFilters): SQL[] {
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
  return where;
}

function readAuditPage(
  ctx: ServiceContext,
  filters: AuditFilters,
  direction: PageDirection,
  limit: number,
): Promise<Page<AuditEntryView>> {
  const where = auditWhere(filters);
  return keysetPage(
    { occurredAt: auditLog.occurredAt, id: auditLog.id },
    direction,
    limit,
    (keyset, order, n) =>
      ctx.db
        .select(columns)
        .from(auditLog)
        .where(and(...where, keyset))
        .orderBy(
          ...(order === 'desc'
            ? [desc(auditLog.occurredAt), desc(auditLog.id)]
            : [asc(auditLog.occurredAt), asc(auditLog.id)]),
        )
        .limit(n),
    // Audit times come from now() and carry microseconds: compare with the cursor row's own time.
    (cursor) => sql`(select ${auditLog.occurredAt} from ${auditLog} where ${auditLog.id} = ${cursor.id})`,
  );
}

/**
 * The audit log, newest first, searched by actor (e-mail, partly), action (prefix, e.g. `account.` or
 * `account.lock`), target (its id, or `type:id`) and time, one keyset page at a time (older / newer, as
 * the account history pages). Analysts and admins only.
 */
export async function auditPage(
  ctx: ServiceContext,
  filters: AuditFilters,
  direction: PageDirection = {},
  limit = auditPageSize,
): Promise<Page<AuditEntryView>> {
  authorize(ctx, 'audit.view');
  return readAuditPage(ctx, filters, direction, limit);
}

/** The same search in one list, newest first, for the CSV export (at most `auditExportLimit` rows). */
export async function searchAudit(
  ctx: ServiceContext,
  filters: AuditFilters,
  limit = auditExportLimit,
): Promise<AuditEntryView[]> {
  authorize(ctx, 'audit.view');
  return (await readAuditPage(ctx, filters, {}, Math.min(limit, auditExportLimit))).items;
}
