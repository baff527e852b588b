import type { Db } from '@/db/client';
import type { ApiKeyScope } from '@/db/schema';
import { authenticateApiKey, refuseMisplacedApiKey } from '@/lib/api-keys/authenticate-api-key';
import type { ApiActor, StaffActor } from '@/lib/auth/actor';
import { currentActor } from '@/lib/auth/current-actor';
import { ApiError } from './api-error';

/**
 * Who calls a read API that serves both the platform and the console: an API key in the Authorization
 * header, else the staff session cookie. Cookie callers must come from our own pages (a cross-site
 * request carrying the cookie is refused), so a GET from another site cannot read with staff rights.
 */
export async function apiCaller(db: Db, request: Request, scope: ApiKeyScope): Promise<StaffActor | ApiActor> {
  refuseMisplacedApiKey(request);
  if (request.headers.has('authorization')) {
    const client = await authenticateApiKey(db, request, scope);
    return {
      kind: 'api',
      id: null,
      apiKeyId: client.keyId,
      email: `api:${client.name}`,
      role: 'api',
      scopes: client.scopes,
      requestId: request.headers.get('x-request-id') ?? undefined,
    };
  }
  return sessionCaller(request);
}

/** The signed-in staff member behind a cookie request from our own pages (cross-site requests are refused). */
export async function sessionCaller(request: Request): Promise<StaffActor> {
  const site = request.headers.get('sec-fetch-site');
  if (site && site !== 'same-origin' && site !== 'none')
    throw new ApiError(403, 'forbidden', 'Cross-site requests are refused.');
  const origin = request.headers.get('origin');
  if (origin && origin !== new URL(request.url).origin)
    throw new ApiError(403, 'forbidden', 'Cross-site requests are refused.');
  const actor = await currentActor();
  if (!actor) throw new ApiError(401, 'unauthorized', 'Sign in, or send an API key as "Authorization: Bearer <key>".');
  return actor;
}
