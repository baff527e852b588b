import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { apiKeys } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { recordAuditLegacy } from '@/lib/audit/record-audit';
import { notFound } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import { ApiKeyTarget } from './api-key-schemas';

/** Takes effect on the key's very next request: every request looks the key up again. */
export async function revokeApiKey(
  db: Db,
  actor: Actor,
  input: { apiKeyId: string },
): Promise<{ changed: boolean; message: string }> {
  requirePermission(actor, 'apiKeys.manage');
  const { apiKeyId } = parseInput(ApiKeyTarget, input);
  return db.transaction(async (tx) => {
    const [key] = await tx.select().from(apiKeys).where(eq(apiKeys.id, apiKeyId)).for('update');
    if (!key) throw notFound('API key not found');
    if (key.revokedAt)
      return { changed: false, message: `${key.name} (${key.prefix}…) was already revoked; nothing changed.` };
    const revokedAt = new Date();
    await tx.update(apiKeys).set({ revokedAt }).where(eq(apiKeys.id, key.id));
    await recordAuditLegacy(tx, actor, {
      action: 'api_key.revoke',
      targetType: 'api_key',
      targetId: key.id,
      before: { revokedAt: null },
      after: { revokedAt: revokedAt.toISOString() },
    });
    return { changed: true, message: `${key.name} (${key.prefix}…) is revoked.` };
  });
}
