import { sql, type SQL } from 'drizzle-orm';

/**
 * A timestamp parameter inside a raw `sql` fragment. drizzle hands postgres.js raw values untouched and
 * postgres.js (as drizzle configures it) cannot bind a Date, so dates travel as ISO text with a cast.
 */
export function timestamptz(date: Date): SQL {
  return sql`${date.toISOString()}::timestamptz`;
}

/**
 * A list (or any JSON value) as one jsonb parameter, to unpack with jsonb_to_recordset or
 * jsonb_array_elements_text: a whole batch binds as one value, and drizzle does not spread a JS array
 * into a parameter list.
 */
export function jsonb(value: unknown): SQL {
  return sql`${JSON.stringify(value)}::jsonb`;
}

/** A timestamptz column as epoch milliseconds (float8, null stays null): compared in memory, never re-parsed from text. */
export function epochMs(column: string): SQL {
  return sql.raw(`floor(extract(epoch from ${column}) * 1000)::float8`);
}
