import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { apiKeyRateWindows } from '@/db/schema';
import { systemClock, type Clock } from '@/lib/clock';
import { ApiError } from '@/lib/http/api-error';

/**
 * Fixed one-second windows per key, counted atomically in PostgreSQL (an upsert that returns the new
 * count), so the limit holds across all Vigil servers and parallel requests never overshoot it.
 */
export async function consumeApiRate(db: Db, keyId: string, perSecond: number, clock: Clock = systemClock): Promise<void> {
  const now = clock();
  const windowStart = new Date(Math.floor(now.getTime() / 1000) * 1000);
  const [row] = await db
    .insert(apiKeyRateWindows)
    .values({ keyId, windowStart, count: 1 })
    .onConflictDoUpdate({ target: [apiKeyRateWindows.keyId, apiKeyRateWindows.windowStart], set: { count: sql`${apiKeyRateWindows.count} + 1` } })
    .returning({ count: apiKeyRateWindows.count });
  if (row!.count === 1) {
    // First request of a window: forget this key's old windows.
    await db.delete(apiKeyRateWindows).where(and(eq(apiKeyRateWindows.keyId, keyId), lt(apiKeyRateWindows.windowStart, new Date(windowStart.getTime() - 10_000))));
  }
  if (row!.count > perSecond) {
    throw new ApiError(429, 'rate_limited', `Over the limit of ${perSecond} requests per second for this API key.`, {}, { 'Retry-After': '1' });
  }
}
