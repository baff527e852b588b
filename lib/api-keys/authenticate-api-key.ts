import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import { preparedPerHandle, type Db } from '@/db/client';
import { apiKeys, type ApiKeyScope } from '@/db/schema';
import { systemClock, type Clock } from '@/lib/clock';
import { forbidden, ServiceError, unauthorized } from '@/lib/errors';
import { hashApiKey } from './api-key-token';

export interface ApiClient {
  keyId: string;
  name: string;
  scopes: string[];
}

export type { ApiKeyScope };

/** The key behind a hash (asked on every API request, so built once: db/client.ts). */
const keyByHash = preparedPerHandle((db) =>
  db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      scopes: apiKeys.scopes,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, sql.placeholder('hash')))
    .prepare('api_key_by_hash'),
);

type KeyRow = Awaited<ReturnType<ReturnType<typeof keyByHash>['execute']>>[number];

/*
 * Valid keys looked up in the last second, by hash: at the platform's rate (thousands of calls a second on one key)
 * the lookup was a database round trip per call for an answer that changes only when an admin revokes the key.
 * Revoking clears it in this process at once (`forgetApiKeys`); another server holding the key stops taking it
 * within `keyCacheMs`. On globalThis (data only): the process's module copies share it (direct-routes.ts).
 */
const keyCacheMs = 1000;
const keyCacheSize = 1000;
type KeyCache = Map<string, { key: KeyRow; at: number }>;
/** Per database handle (a process may open more than one: tests, the two-role setup). */
const globalForKeys = globalThis as unknown as { vigilApiKeys?: WeakMap<Db, KeyCache> };

function keyCache(db: Db): KeyCache {
  const byDb = (globalForKeys.vigilApiKeys ??= new WeakMap());
  let cache = byDb.get(db);
  if (!cache) {
    cache = new Map();
    byDb.set(db, cache);
  }
  return cache;
}

/** Forgets every key this process remembers (after a revocation). */
export function forgetApiKeys(): void {
  globalForKeys.vigilApiKeys = new WeakMap();
}

async function lookUp(db: Db, hash: string, now: number): Promise<KeyRow | undefined> {
  const cache = keyCache(db);
  const cached = cache.get(hash);
  // Younger than keyCacheMs by the clock, which must not have gone back since.
  if (cached && now >= cached.at && now - cached.at < keyCacheMs) return cached.key;
  const [key] = await keyByHash(db).execute({ hash });
  if (key && !key.revokedAt) {
    if (cache.size >= keyCacheSize) cache.clear(); // unknown keys are never kept, so this is many real keys
    cache.set(hash, { key, at: now });
  } else cache.delete(hash);
  return key;
}

/**
 * The machine's identity, from the `Authorization` header's value (`Bearer <key>`; the route adapter refuses a
 * key sent anywhere else). A revoked key stops working at once on the server that revoked it and within a second
 * on the others (the lookup is remembered for a second). Last use is written at most once a minute.
 */
export async function authenticateApiKey(
  db: Db,
  authorization: string | null,
  scope: ApiKeyScope,
  clock: Clock = systemClock,
): Promise<ApiClient> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) throw unauthorized('Missing API key: send "Authorization: Bearer <key>".');
  const now = clock();
  const key = await lookUp(db, hashApiKey(match[1]!), now.getTime());
  if (!key || key.revokedAt) {
    throw new ServiceError('unauthorized', 'Unknown or revoked API key.', { reason: 'invalid_token' });
  }
  if (!key.scopes.includes(scope)) throw forbidden(`This API key lacks the ${scope} scope.`);
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= 60_000) {
    const minuteAgo = new Date(now.getTime() - 60_000);
    key.lastUsedAt = now; // the remembered row too: one write a minute, not one per call until it expires
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, key.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, minuteAgo))));
  }
  return { keyId: key.id, name: key.name, scopes: key.scopes };
}
