import { apiRoute, Reply } from '@/app/_adapters/api-route';
import { requestReportLink } from '@/lib/reports/report-links';

export const dynamic = 'force-dynamic';

/**
 * POST /api/v1/accounts/{platformAccountId}/report-links — an API key with reports:write. `{ "eventIds": [...] }`
 * → `201 { "url", "expiresAt" }`: a "not me" link for the platform's own message about those events.
 */
export const POST = apiRoute<{ id: string }>(
  { auth: 'key', scope: 'reports:write', rate: 'change', body: {} },
  async ({ ctx, params, body }) => new Reply(await requestReportLink(ctx, params.id, body), 201),
);
