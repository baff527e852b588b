import { pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';

export const apiKeyScopes = [
  'events:write',
  'metrics:read',
  'alerts:read',
  'accounts:read',
  'reports:write',
  'stream:events',
  'stream:alerts',
  'stream:audit',
  'accounts:export',
  'accounts:erase',
] as const;
export type ApiKeyScope = (typeof apiKeyScopes)[number];

/** Machine access for the platform. Only a SHA-256 of the key is stored; the key is shown once. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    /** The visible start of the key (e.g. `vgl_live_3fK9`), so people can tell keys apart. */
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('api_keys_key_hash_key').on(t.keyHash)],
);
