import { and, eq, lt, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { twoFactorOffRequests } from '@/db/schema';
import { twoFactorOffStillRequired } from '@/lib/accounts/security-state';
import type { Actor } from '@/lib/auth/actor';
import { runAccountAction, type AccountActionResult } from './account-action';

export const twoFactorOffRequestHours = 24;

/**
 * Asks for 2FA to be turned off; nothing changes on the account until a different admin approves, within
 * 24 h. One open request per account.
 */
export function requestTwoFactorOff(db: Db, actor: Actor, input: unknown): Promise<AccountActionResult> {
  let reason = { code: '', note: '' };
  return runAccountAction(
    db,
    actor,
    input,
    {
      action: 'account.request_2fa_off',
      permission: 'accounts.request2faOff',
      alreadyDone: async (a, tx) => {
        if (!a.twoFactorRequired && !a.reportedTwoFactorEnabled)
          return '2FA is already off on this account; nothing to request.';
        if (!a.twoFactorRequired && twoFactorOffStillRequired(a))
          return 'Turning 2FA off is already approved and waits for the platform to remove it; nothing to request.';
        // A request nobody approved in time is expired, and no longer blocks a new one.
        await tx
          .update(twoFactorOffRequests)
          .set({ status: 'expired' })
          .where(
            and(
              eq(twoFactorOffRequests.accountId, a.id),
              eq(twoFactorOffRequests.status, 'pending'),
              lt(twoFactorOffRequests.expiresAt, sql`now()`),
            ),
          );
        const [open] = await tx
          .select({ id: twoFactorOffRequests.id })
          .from(twoFactorOffRequests)
          .where(and(eq(twoFactorOffRequests.accountId, a.id), eq(twoFactorOffRequests.status, 'pending')));
        return open ? 'Turning 2FA off is already requested and waits for an admin; nothing changed.' : null;
      },
      touchesAccount: false,
      change: () => ({}),
      after: async (tx, a, now) => {
        await tx.insert(twoFactorOffRequests).values({
          accountId: a.id,
          requestedBy: actor.id!,
          reasonCode: reason.code as 'fraud_report',
          note: reason.note,
          imposedRequired: a.twoFactorRequired,
          imposedMethod: a.twoFactorRequiredMethod,
          expiresAt: new Date(now.getTime() + twoFactorOffRequestHours * 3_600_000),
        });
      },
      done: () =>
        `Requested. An admin other than you must approve within ${twoFactorOffRequestHours} h; until then 2FA stays as it is.`,
    },
    (parsed) => {
      reason = { code: parsed.reasonCode, note: parsed.note };
    },
  );
}
