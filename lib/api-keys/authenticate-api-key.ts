import { and, eq, isNull, lt, or } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { apiKeys, type ApiKeyScope } from '@/db/schema';
import { systemClock, type Clock } from '@/lib/clock';
import { ApiError } from '@/lib/http/api-error';
import { apiKeyPrefix, hashApiKey } from './api-key-token';

export interface ApiClient {
  keyId: string;
  name: string;
  scopes: string[];
}

const misplacedKey = /(^|[_-])(api[_-]?key|key|token|access[_-]?token|auth)$/i;

/**
 * The machine's identity: `Authorization: Bearer <key>` and nowhere else (a key in the URL ends up in
 * logs and histories, so one sent there is refused, not used). Looked up on every request, so a revoked
 * key stops working at once. Last use is written at most once a minute.
 */
/** A key sent in the URL or another header is refused (never used), whatever else the request carries. */
export function refuseMisplacedApiKey(request: Request): void {
  const url = new URL(request.url);
  const inUrl = [...url.searchParams].some(([k, v]) => misplacedKey.test(k) || v.includes(apiKeyPrefix));
  if (inUrl || request.headers.has('x-api-key')) {
    throw new ApiError(
      401,
      'unauthorized',
      'Send the API key only in the Authorization header: "Authorization: Bearer <key>".',
    );
  }
}

export async function authenticateApiKey(
  db: Db,
  request: Request,
  scope: ApiKeyScope,
  clock: Clock = systemClock,
): Promise<ApiClient> {
  refuseMisplacedApiKey(request);
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.get('authorization') ?? '');
  if (!match)
    throw new ApiError(
      401,
      'unauthorized',
      'Missing API key: send "Authorization: Bearer <key>".',
      {},
      { 'WWW-Authenticate': 'Bearer' },
    );
  const [key] = await db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      scopes: apiKeys.scopes,
      revokedAt: apiKeys.revokedAt,
      lastUsedAt: apiKeys.lastUsedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, hashApiKey(match[1]!)));
  if (!key || key.revokedAt)
    throw new ApiError(
      401,
      'unauthorized',
      'Unknown or revoked API key.',
      {},
      { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
    );
  if (!key.scopes.includes(scope)) throw new ApiError(403, 'forbidden', `This API key lacks the ${scope} scope.`);
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
