import { apiRoute } from '@/app/_adapters/api-route';
import { publicReportStatus } from '@/lib/reports/public-status';

export const dynamic = 'force-dynamic';

/** POST /api/v1/reports/status — `{ reference, contact }` in the body, never in a URL or a log. */
export const POST = apiRoute({ auth: 'public', rate: 'public', body: {} }, ({ ctx, body }) =>
  publicReportStatus(ctx, body),
);
