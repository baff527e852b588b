import { serviceContext } from '@/lib/context';
import type { Db } from '@/db/client';
import { createApiKey } from '@/lib/api-keys/create-api-key';
import type { ApiKeyScope } from '@/db/schema';
import { systemActor, uniqueSuffix } from './fixtures';

export async function makeApiKey(db: Db, scopes: ApiKeyScope[] = ['events:write']) {
  return createApiKey(serviceContext(db, systemActor), { name: `test ${uniqueSuffix()}`, scopes });
}

/** A POST /api/v1/events request as the platform would send it. */
