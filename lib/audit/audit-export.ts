import { getDb } from '@/lib/database';
import { currentActor } from '@/lib/auth/current-actor';
import { serviceContext } from '@/lib/context';
import { toCsv } from '@/lib/csv';
import { AuditFilters, auditExportLimit, searchAudit } from '@/lib/audit/audit-log';
import { ApiError } from '@/lib/http/api-error';
import { handleApi } from '@/lib/http/api-response';

/** GET /audit/export: the search of the audit page as CSV (analysts and admins; formula-safe cells). */
export function exportAuditCsv(request: Request): Promise<Response> {
  return handleApi(request, async () => {
    const actor = await currentActor();
    if (!actor) throw new ApiError(401, 'unauthorized', 'Sign in first.');
    const params = new URL(request.url).searchParams;
    const filters = AuditFilters.parse(
      Object.fromEntries(['actor', 'action', 'target', 'from', 'to'].map((k) => [k, params.get(k) || undefined])),
    );
    const rows = await searchAudit(serviceContext(await getDb(), actor), filters, auditExportLimit);
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
    return new Response(csv || 'time,actor,role,action,target_type,target_id,reason,before,after,request_id', {
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="vigil-audit-${new Date().toISOString().slice(0, 10)}.csv"`,
        'cache-control': 'no-store',
      },
    });
  });
}
