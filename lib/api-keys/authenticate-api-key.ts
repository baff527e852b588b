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

/**
 * The machine's identity, from the `Authorization` header's value (`Bearer <key>`; the route adapter refuses a
 * key sent anywhere else). Looked up on every request, so a revoked key stops working at once. Last use is
 * written at most once a minute.
 */
export async function authenticateApiKey(
  db: Db,
  authorization: string | null,
  scope: ApiKeyScope,
  clock: Clock = systemClock,
): Promise<ApiClient> {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match) throw unauthorized('Missing API key: send "Authorization: Bearer <key>".');
  const [key] = await keyByHash(db).execute({ hash: hashApiKey(match[1]!) });
  if (!key || key.revokedAt) {
    throw new ServiceError('unauthorized', 'Unknown or revoked API key.', { reason: 'invalid_token' });
  }
  if (!key.scopes.includes(scope)) throw forbidden(`This API key lacks the ${scope} scope.`);
  const now = clock();
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() >= 60_000) {
    const minuteAgo = new Date(now.getTime() - 60_000);
    await db
      .update(apiKeys)
      .set({ lastUsedAt: now })
      .where(and(eq(apiKeys.id, key.id), or(isNull(apiKeys.lastUsedAt), lt(apiKeys.lastUsedAt, minuteAgo))));
  }
  return { keyId: key.id, name: key.name, scopes: key.scopes };
}
