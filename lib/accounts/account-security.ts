import { and, desc, eq, sql } from 'drizzle-orm';
import { outbox, staffUsers, twoFactorOffRequests } from '@/db/schema';
import { can } from '@/lib/auth/permissions';
import { authorize, type ServiceContext } from '@/lib/context';

export interface PendingTwoFactorOff {
  id: string;
  requestedBy: { id: string; name: string };
  reasonCode: string;
  note: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface NoticeView {
  createdAt: Date;
  channel: string;
  to: string | null;
  text: string;
  status: string;
}

/** What the account page's actions need beside the account: an open 2FA-off request, and what the customer was told. */
export async function accountSecurityPanel(
  ctx: ServiceContext,
  accountId: string,
): Promise<{ pendingTwoFactorOff: PendingTwoFactorOff | null; notices: NoticeView[] }> {
  authorize(ctx, 'accounts.view');
  const { actor, db } = ctx;
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
  const notices = await db
    .select({ createdAt: outbox.createdAt, payload: outbox.payload, status: outbox.status })
    .from(outbox)
    .where(and(eq(outbox.accountId, accountId), eq(outbox.kind, 'notice')))
    .orderBy(desc(outbox.id))
    .limit(20);
  const showContacts = can(actor, 'accounts.viewContacts');
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
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
    notices: notices.map((n) => ({
      createdAt: n.createdAt,
      channel: text(n.payload.channel),
      to: showContacts ? text(n.payload.to) : null,
      text: text(n.payload.text),
      status: n.status === 'delivered' ? 'recorded' : n.status,
    })),
  };
}
