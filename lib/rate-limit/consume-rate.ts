import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { rateLimited } from '@/lib/errors';

export interface RateBudget {
  /** Who is counted: an API key and route family, a client IP, a contact. */
  bucket: string;
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
  /** What the refused caller is told, e.g. "Too many reports from this address in an hour. Try again later." */
  refusal: string;
}

/**
 * The one rate limiter. Fixed windows per bucket, counted atomically in PostgreSQL (an upsert that returns
 * the new count) and timed by the database's clock, so the limit holds across every Vigil server whatever
 * their clocks say, and parallel requests never overshoot it. Over the limit: `rate_limited`, with the
 * seconds until the window turns.
 */
export async function consumeRate(db: DbOrTx, budget: RateBudget): Promise<void> {
  const seconds = budget.windowSeconds;
  const [row] = await queryRows<{ count: number; retry: number }>(
    db,
    sql`with w as (select to_timestamp(floor(extract(epoch from clock_timestamp()) / ${seconds}) * ${seconds}) as start)
        insert into rate_windows (bucket, window_start, count) select ${budget.bucket}, w.start, 1 from w
        on conflict (bucket, window_start) do update set count = rate_windows.count + 1
        returning count,
          ceil(extract(epoch from window_start + make_interval(secs => ${seconds}) - clock_timestamp()))::int as retry`,
  );
  if (row!.count === 1) {
    // First request of a window: forget this bucket's old windows.
    await db.execute(
      sql`delete from rate_windows where bucket = ${budget.bucket}
            and window_start < clock_timestamp() - make_interval(secs => ${seconds * 2})`,
    );
  }
  if (row!.count > budget.limit) {
    throw rateLimited(budget.refusal, Math.max(1, row!.retry));
  }
}
