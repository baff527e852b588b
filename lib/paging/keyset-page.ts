import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { timestamptz } from '@/db/sql-helpers';
import { decodeCursor, encodeCursor, type EventCursor, type Page, type PageDirection } from './cursor';

interface Keyed {
  occurredAt: Date;
  id: number;
}

/**
 * One keyset page over an event table, newest first: the same index range scan on page 500 as on page 1.
 * `fetch` receives the extra keyset condition, the sort direction and the row limit. A cursor holds its
 * row's time to the millisecond (a JS Date); a table whose times carry microseconds (set by `now()`) passes
 * `exactTime`, the cursor row's own time looked up by its id, so no row is shown twice or skipped.
 */
export async function keysetPage<T extends Keyed>(
  columns: { occurredAt: PgColumn; id: PgColumn },
  direction: PageDirection,
  limit: number,
  fetch: (keyset: SQL | undefined, order: 'asc' | 'desc', limit: number) => Promise<T[]>,
  exactTime: (cursor: EventCursor) => SQL = (cursor) => timestamptz(cursor.occurredAt),
): Promise<Page<T>> {
  const before = decodeCursor(direction.before);
  const after = before ? null : decodeCursor(direction.after);
  if (before) {
    const rows = await fetch(
      sql`(${columns.occurredAt}, ${columns.id}) > (${exactTime(before)}, ${before.id})`,
      'asc',
      limit + 1,
    );
    const hasNewer = rows.length > limit;
    const items = rows.slice(0, limit).reverse();
    return { items, newer: hasNewer && items[0] ? encodeCursor(items[0]) : null, older: edge(items.at(-1)) };
  }
  const keyset = after ? sql`(${columns.occurredAt}, ${columns.id}) < (${exactTime(after)}, ${after.id})` : undefined;
  const rows = await fetch(keyset, 'desc', limit + 1);
  const items = rows.slice(0, limit);
  return {
    items,
    older: rows.length > limit ? edge(items.at(-1)) : null,
    newer: after ? edge(items[0]) : null,
  };
}

function edge(row: Keyed | undefined): string | null {
  return row ? encodeCursor(row) : null;
}
