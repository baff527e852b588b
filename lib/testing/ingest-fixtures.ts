import { serviceContext } from '@/lib/context';
import type { Db } from '@/db/client';
import { createApiKey } from '@/lib/api-keys/create-api-key';
import type { ApiKeyScope } from '@/db/schema';
import { systemActor, uniqueSuffix } from './fixtures';

export async function makeApiKey(db: Db, scopes: ApiKeyScope[] = ['events:write']) {
  return createApiKey(serviceContext(db, systemActor), { name: `test ${uniqueSuffix()}`, scopes });
}

/** A POST /api/v1/events request as the platform would send it. */
export function eventsRequest(
  body: unknown,
  init: { key?: string; contentType?: string; url?: string; headers?: Record<string, string> } = {},
): Request {
  const headers: Record<string, string> = { 'content-type': init.contentType ?? 'application/json', ...init.headers };
  if (init.key) headers.authorization = `Bearer ${init.key}`;
  return new Request(init.url ?? 'http://localhost/api/v1/events', {
    method: 'POST',
    headers,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}
