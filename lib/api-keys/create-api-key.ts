import type { Db } from '@/db/client';
import { apiKeys } from '@/db/schema';
import { newApiKey } from '@/lib/api-keys/api-key-token';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { recordAuditLegacy } from '@/lib/audit/record-audit';
import { parseInput } from '@/lib/validation';
import { CreateApiKeyInput } from './api-key-schemas';

export interface CreatedApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  /** The key itself: returned this once, stored only as a hash. */
  key: string;
}

export async function createApiKey(db: Db, actor: Actor, input: CreateApiKeyInput): Promise<CreatedApiKey> {
  requirePermission(actor, 'apiKeys.manage');
  const data = parseInput(CreateApiKeyInput, input);
  const { key, prefix, hash } = newApiKey();
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(apiKeys)
      .values({ name: data.name, prefix, keyHash: hash, scopes: data.scopes, createdBy: actor.email })
      .returning({ id: apiKeys.id });
    await recordAuditLegacy(tx, actor, {
      action: 'api_key.create',
      targetType: 'api_key',
      targetId: row!.id,
      after: { name: data.name, prefix, scopes: data.scopes },
    });
    return { id: row!.id, name: data.name, prefix, scopes: data.scopes, key };
  });
}
