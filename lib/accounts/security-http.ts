import { getDb, type Db } from '@/db/client';
import { authenticateApiKey, refuseMisplacedApiKey } from '@/lib/api-keys/authenticate-api-key';
import type { Actor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import { ApiError } from '@/lib/http/api-error';
import { handleApi, json } from '@/lib/http/api-response';
import { withDeadline } from '@/lib/http/database-errors';
import { accountSecurity } from './account-security-state';

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
        const state = await accountSecurity(serviceContext(db, actor), platformAccountId);
        if (!state) throw new ApiError(404, 'not_found', 'Vigil has never seen this account.');
        return json(state);
      })(),
    ),
  );
}
