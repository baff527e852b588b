import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * The one rate limiter's counters (lib/rate-limit/consume-rate.ts): one row per bucket (an API key and route
 * family, a client IP, a contact) and fixed window, counted in PostgreSQL so the limit holds across every
 * Vigil server.
 */
export const rateWindows = pgTable(
  'rate_windows',
  {
    bucket: text('bucket').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.bucket, t.windowStart] }), index('rate_windows_start_idx').on(t.windowStart)],
);
