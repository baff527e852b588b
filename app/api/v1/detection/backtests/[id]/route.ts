import { apiRoute } from '@/app/_adapters/api-route';
import { getBacktest } from '@/lib/detection/backtest-jobs';

export const dynamic = 'force-dynamic';

/** GET /api/v1/detection/backtests/{id} — staff only → the job with its progress and result; 404 unknown or malformed id. */
export const GET = apiRoute<{ id: string }>(
  { auth: 'staff', rate: 'read', keyRefusal: 'API keys cannot read backtests.' },
  ({ ctx, params }) => getBacktest(ctx, params.id),
);
