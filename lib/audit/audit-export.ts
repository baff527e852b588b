import type { ServiceContext } from '@/lib/context';
import { toCsv } from '@/lib/csv';
import { parseInput } from '@/lib/validation';
import { AuditFilters, auditExportLimit, searchAudit } from './audit-log';

const header = 'time,actor,role,action,target_type,target_id,reason,before,after,request_id';

/** The search of the audit page as CSV (analysts and admins; formula-safe cells), at most `auditExportLimit` rows. */
export async function auditCsv(ctx: ServiceContext, query: Record<string, string | undefined>): Promise<string> {
  const filters = parseInput(
    AuditFilters,
    Object.fromEntries(['actor', 'action', 'target', 'from', 'to'].map((k) => [k, query[k] || undefined])),
  );
  const rows = await searchAudit(ctx, filters, auditExportLimit);
  const csv = toCsv(
    rows.map((r) => ({
      time: r.occurredAt.toISOString(),
      actor: r.actorEmail,
      role: r.actorRole,
      action: r.action,
      target_type: r.targetType,
      target_id: r.targetId,
      reason: r.reason,
      before: r.before,
      after: r.after,
      request_id: r.requestId,
    })),
  );
  return csv || header;
}
