import { apiRoute, Reply } from '@/app/_adapters/api-route';
import { requestBacktest } from '@/lib/detection/backtest-jobs';

export const dynamic = 'force-dynamic';

/** POST /api/v1/detection/backtests — staff only → 202 with the queued job; 400 names the wrong field. */
export const POST = apiRoute(
  { auth: 'staff', rate: 'change', body: {}, keyRefusal: 'API keys cannot run backtests.' },
  async ({ ctx, body }) => new Reply(await requestBacktest(ctx, body), 202),
);
