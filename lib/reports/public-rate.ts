import { sql } from 'drizzle-orm';
import { queryRows, type Db, type Tx } from '@/db/client';
import { ApiError } from '@/lib/http/api-error';

/**
 * Hourly windows per bucket (a client IP, a contact), counted atomically in PostgreSQL on its own clock, so
 * the limit holds across servers. Over the limit: 429 with Retry-After = seconds to the next window.
 */
export async function consumePublicRate(db: Db | Tx, bucket: string, perHour: number, what: string): Promise<void> {
  const [row] = await queryRows<{ count: number; retry: number }>(
    db,
    sql`insert into public_rate_windows (bucket, window_start, count) values (${bucket}, date_trunc('hour', clock_timestamp()), 1)
        on conflict (bucket, window_start) do update set count = public_rate_windows.count + 1
        returning count, ceil(extract(epoch from date_trunc('hour', clock_timestamp()) + interval '1 hour' - clock_timestamp()))::int as retry`,
  );
  if (row!.count === 1)
    await db.execute(
      sql`delete from public_rate_windows where bucket = ${bucket} and window_start < clock_timestamp() - interval '2 hours'`,
    );
  if (row!.count > perHour) {
    throw new ApiError(
      429,
      'rate_limited',
      `Too many ${what} in an hour. Try again later.`,
      {},
      { 'Retry-After': String(Math.max(1, row!.retry)) },
    );
  }
}
