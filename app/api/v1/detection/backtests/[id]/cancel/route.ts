import { apiRoute } from '@/app/_adapters/api-route';
import { cancelBacktest } from '@/lib/detection/backtest-jobs';

export const dynamic = 'force-dynamic';

/** POST /api/v1/detection/backtests/{id}/cancel — staff only → the job as it is now; 404 unknown or malformed id. */
export const POST = apiRoute<{ id: string }>(
  { auth: 'staff', rate: 'change', keyRefusal: 'API keys cannot cancel backtests.' },
  ({ ctx, params }) => cancelBacktest(ctx, params.id),
);
