import { apiRoute, Reply } from '@/app/_adapters/api-route';
import { fileReport } from '@/lib/reports/file-report';

export const dynamic = 'force-dynamic';

/** POST /api/v1/reports — public; an API key with reports:write (the platform's apps) skips the per-IP limit. */
export const POST = apiRoute(
  { auth: 'public', scope: 'reports:write', rate: 'public', body: {} },
  async ({ ctx, body }) => new Reply(await fileReport(ctx, body, 'api'), 201),
);
