import { apiKeys } from '@/db/schema';
import { newApiKey } from './api-key-token';
import { recordAudit } from '@/lib/audit/record-audit';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
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

export async function createApiKey(ctx: ServiceContext, input: CreateApiKeyInput): Promise<CreatedApiKey> {
  authorize(ctx, 'apiKeys.manage', { stepUp: true });
  const data = parseInput(CreateApiKeyInput, input);
  const { key, prefix, hash } = newApiKey();
  return withTransaction(ctx, async (tx) => {
    const [row] = await tx.db
      .insert(apiKeys)
      .values({ name: data.name, prefix, keyHash: hash, scopes: data.scopes, createdBy: ctx.actor.email })
      .returning({ id: apiKeys.id });
    await recordAudit(tx, {
      action: 'api_key.create',
      targetType: 'api_key',
      targetId: row!.id,
      after: { name: data.name, prefix, scopes: data.scopes },
    });
    return { id: row!.id, name: data.name, prefix, scopes: data.scopes, key };
  });
}
