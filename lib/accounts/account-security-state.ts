import { eq } from 'drizzle-orm';
import { accounts } from '@/db/schema';
import { authorize, type ServiceContext } from '@/lib/context';
import { securityState, type SecurityState } from './security-state';

/** The imposed and reported security state of one account, by the platform's id; null if Vigil never saw it. */
export async function accountSecurity(ctx: ServiceContext, platformAccountId: string): Promise<SecurityState | null> {
  authorize(ctx, 'accounts.readSecurity');
  if (platformAccountId.length === 0 || platformAccountId.length > 128) return null;
  const [account] = await ctx.db.select().from(accounts).where(eq(accounts.externalId, platformAccountId));
  return account ? securityState(account) : null;
}
