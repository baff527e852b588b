import { desc } from 'drizzle-orm';
import { apiKeys } from '@/db/schema';
import { authorize, type ServiceContext } from '@/lib/context';

export interface ApiKeyListItem {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

/** Never selects the hash. */
export async function listApiKeys(ctx: ServiceContext): Promise<ApiKeyListItem[]> {
  authorize(ctx, 'apiKeys.manage');
  return ctx.db
    .select({
      id: apiKeys.id,
      name: apiKeys.name,
      prefix: apiKeys.prefix,
      scopes: apiKeys.scopes,
      createdBy: apiKeys.createdBy,
      createdAt: apiKeys.createdAt,
      lastUsedAt: apiKeys.lastUsedAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .orderBy(desc(apiKeys.createdAt));
}
