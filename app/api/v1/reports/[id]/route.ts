import { apiRoute } from '@/app/_adapters/api-route';
import { patchReport } from '@/lib/reports/patch-report';

export const dynamic = 'force-dynamic';

/**
 * PATCH /api/v1/reports/{id} — staff only, the report page's workflow over HTTP (API keys file reports, they
 * do not work them) → 200 with the result. 400 names what is wrong (a resolution is required to resolve); 409
 * is a skipped step or a stale version, with the report as it is now in `current`; 404 an unknown report.
 */
export const PATCH = apiRoute<{ id: string }>(
  { auth: 'staff', rate: 'change', body: {}, keyRefusal: 'API keys file reports; staff work them, signed in.' },
  ({ ctx, params, body }) => patchReport(ctx, params.id, body),
);
