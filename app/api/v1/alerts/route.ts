import { apiRoute } from '@/app/_adapters/api-route';
import { alertsForApi } from '@/lib/alerts/alerts-for-api';

export const dynamic = 'force-dynamic';

/** GET /api/v1/alerts — an API key with alerts:read, or a staff session from our own pages. */
export const GET = apiRoute(
  {
    auth: 'key-or-staff',
    scope: 'alerts:read',
    rate: 'read',
    forbidden: 'This caller may not read alerts (API keys need the alerts:read scope).',
  },
  ({ ctx, query }) => alertsForApi(ctx, query),
);
