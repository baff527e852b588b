import { eq } from 'drizzle-orm';
import { getDb, type Db } from '@/db/client';
import { accounts } from '@/db/schema';
import { authenticateApiKey, refuseMisplacedApiKey } from '@/lib/api-keys/authenticate-api-key';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { ApiError } from '@/lib/http/api-error';
import { handleApi, json } from '@/lib/http/api-response';
import { withDeadline } from '@/lib/http/database-errors';
import { securityState, type SecurityState } from './security-state';

/** The imposed and reported security state of one account, by the platform's id; null if Vigil never saw it. */
export async function accountSecurity(db: Db, actor: Actor, platformAccountId: string): Promise<SecurityState | null> {
  requirePermission(actor, 'accounts.readSecurity');
  if (platformAccountId.length === 0 || platformAccountId.length > 128) return null;
  const [account] = await db.select().from(accounts).where(eq(accounts.externalId, platformAccountId));
  return account ? securityState(account) : null;
}

/**
 * GET /api/v1/accounts/{platformAccountId}/security — an API key with accounts:read. The platform calls it
 * at login and payment time, so it answers from one indexed row and never caches.
 */
export function handleSecurityRequest(
  request: Request,
  platformAccountId: string,
  options: { db?: () => Promise<Db> } = {},
): Promise<Response> {
  return handleApi(request, () =>
    withDeadline(
      (async () => {
        refuseMisplacedApiKey(request);
        if (!request.headers.has('authorization'))
          throw new ApiError(401, 'unauthorized', 'Send an API key as "Authorization: Bearer <key>".');
        const db = await (options.db ?? getDb)();
        const client = await authenticateApiKey(db, request, 'accounts:read');
        const actor: Actor = {
          kind: 'api',
          id: null,
          apiKeyId: client.keyId,
          email: `api:${client.name}`,
          role: 'api',
          scopes: client.scopes,
        };
        const state = await accountSecurity(db, actor, platformAccountId);
        if (!state) throw new ApiError(404, 'not_found', 'Vigil has never seen this account.');
        return json(state);
      })(),
    ),
  );
}
