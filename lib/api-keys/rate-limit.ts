import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { ApiError } from '@/lib/http/api-error';

/**
 * Fixed one-second windows per key, counted atomically in PostgreSQL (an upsert that returns the new
 * count) and timed by the database's clock, so the limit holds across all Vigil servers, whatever their
 * clocks say, and parallel requests never overshoot it.
 */
export async function consumeApiRate(db: Db, keyId: string, perSecond: number): Promise<void> {
  const [row] = await queryRows<{ count: number }>(
    db,
    sql`insert into api_key_rate_windows (key_id, window_start, count) values (${keyId}::uuid, date_trunc('second', clock_timestamp()), 1)
        on conflict (key_id, window_start) do update set count = api_key_rate_windows.count + 1
        returning count`,
  );
  if (row!.count === 1) {
    // First request of a window: forget this key's old windows.
    await db.execute(
      sql`delete from api_key_rate_windows where key_id = ${keyId}::uuid and window_start < clock_timestamp() - interval '10 seconds'`,
    );
  }
  if (row!.count > perSecond) {
    throw new ApiError(
      429,
      'rate_limited',
      `Over the limit of ${perSecond} requests per second for this API key.`,
      {},
      { 'Retry-After': '1' },
    );
  }
}
