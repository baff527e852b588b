import { apiRoute } from '@/app/_adapters/api-route';
import { auditCsv } from '@/lib/audit/audit-export';

export const dynamic = 'force-dynamic';

/** GET /audit/export: the audit page's search as a CSV download (the signed-in analyst or admin). */
export const GET = apiRoute({ auth: 'staff', rate: 'read' }, async ({ ctx, query }) => {
  const csv = await auditCsv(ctx, Object.fromEntries(query));
  return new Response(csv, {
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="vigil-audit-${new Date().toISOString().slice(0, 10)}.csv"`,
      'cache-control': 'no-store',
    },
  });
});
