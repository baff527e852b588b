import { eq } from 'drizzle-orm';
import { apiKeys } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { notFound } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import { ApiKeyTarget } from './api-key-schemas';
import { forgetApiKeys } from './authenticate-api-key';

/** Takes effect on this server's very next request, and within a second on every other server. */
export async function revokeApiKey(
  ctx: ServiceContext,
  input: { apiKeyId: string },
): Promise<{ changed: boolean; message: string }> {
  authorize(ctx, 'apiKeys.manage', { stepUp: true });
  const { apiKeyId } = parseInput(ApiKeyTarget, input);
  const result = await withTransaction(ctx, async (tx) => {
    const [key] = await tx.db.select().from(apiKeys).where(eq(apiKeys.id, apiKeyId)).for('update');
    if (!key) throw notFound('API key not found');
    if (key.revokedAt)
      return { changed: false, message: `${key.name} (${key.prefix}…) was already revoked; nothing changed.` };
    const revokedAt = new Date();
    await tx.db.update(apiKeys).set({ revokedAt }).where(eq(apiKeys.id, key.id));
    await recordAudit(tx, {
      action: 'api_key.revoke',
      targetType: 'api_key',
      targetId: key.id,
      before: { revokedAt: null },
      after: { revokedAt: revokedAt.toISOString() },
    });
    return { changed: true, message: `${key.name} (${key.prefix}…) is revoked.` };
  });
  forgetApiKeys(); // this server stops taking it now; the others within a second (authenticate-api-key.ts)
  return result;
}
