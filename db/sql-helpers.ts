import { sql, type AnyColumn, type SQL } from 'drizzle-orm';

/**
 * Newest first, as the schema's `.desc()` indexes are built. drizzle writes those DESC NULLS LAST, while a plain
 * `desc` in a query means NULLS FIRST, so PostgreSQL cannot read a plain `desc` in order from them: it either fetches
 * every matching row and sorts (an account's whole history for one page), or walks the table's time key backwards,
 * filtering out other accounts' rows (a 300,000-event store: 79 ms for a page that the account's index gives in 6).
 * Use it wherever a `.desc()` index is meant to serve the order (e.g. `(account_id, occurred_at desc, id desc)`);
 * for columns that are never null both orders give the same rows. `ascNullsFirst` is its reverse (the page before a
 * cursor: the same index read backwards).
 */
export const descNullsLast = (column: AnyColumn | SQL): SQL => sql`${column} desc nulls last`;
export const ascNullsFirst = (column: AnyColumn | SQL): SQL => sql`${column} asc nulls first`;

/**
 * A timestamp parameter inside a raw `sql` fragment. drizzle hands postgres.js raw values untouched and
 * postgres.js (as drizzle configures it) cannot bind a Date, so dates travel as ISO text with a cast.
 */
export function timestamptz(date: Date): SQL {
  return sql`${date.toISOString()}::timestamptz`;
}

/**
 * A list (or any JSON value) as one jsonb parameter, to unpack in the statement (jsonb_array_elements_text,
 * or jsonbRows and arrayOf below): a whole batch binds as one value, and drizzle does not spread a JS array
 * into a parameter list.
 */
export function jsonb(value: unknown): SQL {
  return sql`${JSON.stringify(value)}::jsonb`;
}

/** A timestamptz column as epoch milliseconds (float8, null stays null): compared in memory, never re-parsed from text. */
export function epochMs(column: string): SQL {
  return sql.raw(`floor(extract(epoch from ${column}) * 1000)::float8`);
}

const rowSelects = new Map<string, string>();

/**
 * Rows as one jsonb parameter of arrays, unpacked as a table with the given columns, e.g.
 * `jsonbRows('id uuid, at timestamptz', [[id, at], …])`; use it as `from ${jsonbRows(…)} as t`. Each row lists
 * its values in the columns' order (undefined and null both arrive as null). Positional rows repeat no
 * field names, so for a 1000-row batch they are about a quarter smaller than objects, and cheaper to
 * build, send and unpack (jsonb_to_recordset has to match every object's keys to the columns).
 */
export function jsonbRows(columns: string, rows: readonly (readonly unknown[])[]): SQL {
  let select = rowSelects.get(columns);
  if (!select) {
    select = columns
      .split(',')
      .map((column, i) => {
        const [name, type] = column.trim().split(/\s+/);
        return `(e->>${i})::${type} as ${name}`;
      })
      .join(', ');
    rowSelects.set(columns, select);
  }
  return sql`(select ${sql.raw(select)} from jsonb_array_elements(${jsonb(rows)}) as e)`;
}

/**
 * A list as a PostgreSQL array built from one jsonb parameter, for `column = any(${arrayOf(ids, 'uuid')})`:
 * an index lookup per value, where `in (select …)` may hash-join the whole table.
 */
export function arrayOf(values: readonly (string | number)[], type: 'text' | 'uuid' | 'bigint' = 'text'): SQL {
  return sql`array(select v::${sql.raw(type)} from jsonb_array_elements_text(${jsonb(values)}) as v)`;
}
