import { sql, type SQL } from 'drizzle-orm';

/**
 * A timestamp parameter inside a raw `sql` fragment. drizzle hands postgres.js raw values untouched and
 * postgres.js (as drizzle configures it) cannot bind a Date, so dates travel as ISO text with a cast.
 */
export function timestamptz(date: Date): SQL {
  return sql`${date.toISOString()}::timestamptz`;
}
