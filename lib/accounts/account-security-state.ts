import { eq, sql } from 'drizzle-orm';
import { preparedPerHandle } from '@/db/client';
import { accounts } from '@/db/schema';
import { authorize, type ServiceContext } from '@/lib/context';
import { securityState, type SecurityState } from './security-state';

/** The platform calls this on every login and payment: the query is built once (db/client.ts). */
const accountByPlatformId = preparedPerHandle((db) =>
  db
    .select()
    .from(accounts)
    .where(eq(accounts.externalId, sql.placeholder('id')))
    .prepare('account_by_platform_id'),
);

/** The imposed and reported security state of one account, by the platform's id; null if Vigil never saw it. */
export async function accountSecurity(ctx: ServiceContext, platformAccountId: string): Promise<SecurityState | null> {
  authorize(ctx, 'accounts.readSecurity');
  if (platformAccountId.length === 0 || platformAccountId.length > 128) return null;
  const [account] = await accountByPlatformId(ctx.db).execute({ id: platformAccountId });
  return account ? securityState(account) : null;
}
