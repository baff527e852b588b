import { sql } from 'drizzle-orm';
import { customType } from 'drizzle-orm/pg-core';

/** PostgreSQL's 64-bit transaction id (never wraps around). */
const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => 'xid8' });

/**
 * The transaction that wrote the row. The streams (lib/streams) read rows in (tx, id) order only below the oldest
 * transaction still running, so a transaction that commits late is never skipped by a consumer that read past it.
 */
export const writtenBy = () =>
  xid8('tx')
    .notNull()
    .default(sql`pg_current_xact_id()`);
