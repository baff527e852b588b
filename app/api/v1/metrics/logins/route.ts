import { apiRoute } from '@/app/_adapters/api-route';
import { LoginMetricsQuery, parseMetricsQuery } from '@/lib/metrics/metrics-query';
import { loginMetrics } from '@/lib/metrics/login-metrics';

export const dynamic = 'force-dynamic';

/** GET /api/v1/metrics/logins — an API key with metrics:read, or a staff session from our own pages. */
export const GET = apiRoute(
  {
    auth: 'key-or-staff',
    scope: 'metrics:read',
    rate: 'read',
    forbidden: 'This caller may not read metrics (API keys need the metrics:read scope).',
  },
  ({ ctx, query }) => loginMetrics(ctx, parseMetricsQuery(LoginMetricsQuery, query)),
);
