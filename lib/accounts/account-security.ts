import { and, eq, sql } from 'drizzle-orm';
import { staffUsers, twoFactorOffRequests } from '@/db/schema';
import { authorize, type ServiceContext } from '@/lib/context';

export interface PendingTwoFactorOff {
  id: string;
  requestedBy: { id: string; name: string };
  reasonCode: string;
  note: string;
  createdAt: Date;
  expiresAt: Date;
}

/** What the account page's actions need beside the account: an open 2FA-off request. */
export async function accountSecurityPanel(
  ctx: ServiceContext,
  accountId: string,
): Promise<{ pendingTwoFactorOff: PendingTwoFactorOff | null }> {
  authorize(ctx, 'accounts.view');
  const { db } = ctx;
  const [pending] = await db
    .select({
      id: twoFactorOffRequests.id,
      requestedById: twoFactorOffRequests.requestedBy,
      requestedByName: staffUsers.name,
      reasonCode: twoFactorOffRequests.reasonCode,
      note: twoFactorOffRequests.note,
      createdAt: twoFactorOffRequests.createdAt,
      expiresAt: twoFactorOffRequests.expiresAt,
    })
    .from(twoFactorOffRequests)
    .innerJoin(staffUsers, eq(staffUsers.id, twoFactorOffRequests.requestedBy))
    .where(
      and(
        eq(twoFactorOffRequests.accountId, accountId),
        eq(twoFactorOffRequests.status, 'pending'),
        sql`${twoFactorOffRequests.expiresAt} > now()`,
      ),
    );
  return {
    pendingTwoFactorOff: pending
      ? {
          id: pending.id,
          requestedBy: { id: pending.requestedById, name: pending.requestedByName },
          reasonCode: pending.reasonCode,
          note: pending.note,
          createdAt: pending.createdAt,
          expiresAt: pending.expiresAt,
        }
      : null,
  };
}
