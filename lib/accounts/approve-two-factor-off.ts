import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '@/db/client';
import { twoFactorOffRequests } from '@/db/schema';
import { twoFactorOffStillRequired } from '@/lib/accounts/security-state';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { parseInput } from '@/lib/validation';
import { runAccountAction, type AccountActionResult } from './account-action';

const RequestRef = z.object({ requestId: z.uuid('is not a request id') });

async function findRequest(tx: Tx, requestId: string, accountId: string) {
  const [request] = await tx
    .select()
    .from(twoFactorOffRequests)
    .where(and(eq(twoFactorOffRequests.id, requestId), eq(twoFactorOffRequests.accountId, accountId)))
    .for('update');
  return request;
}

/**
 * The second person: an admin who did not ask approves, within 24 h; then 2FA is off. Staff's requirement
 * goes at once; a customer's own enrolment is reported as `twoFactor.disableRequired` until the platform
 * reports it removed.
 */
export async function approveTwoFactorOff(db: Db, actor: Actor, input: unknown): Promise<AccountActionResult> {
  requirePermission(actor, 'accounts.approve2faOff');
  const { requestId } = parseInput(RequestRef, { requestId: (input as { requestId?: unknown } | null)?.requestId });
  return runAccountAction(db, actor, input, {
    action: 'account.approve_2fa_off',
    permission: 'accounts.approve2faOff',
    skipVersionCheck: true,
    alreadyDone: async (a, tx) => {
      const request = await findRequest(tx, requestId, a.id);
      return request?.status === 'approved' ? 'This request is already approved; 2FA is off.' : null;
    },
    refuse: async (a, tx) => {
      const request = await findRequest(tx, requestId, a.id);
      if (!request) return 'There is no such request for this account.';
      if (request.requestedBy === actor.id) return 'You asked for this yourself: a different admin must approve it.';
      if (request.status !== 'pending') return `This request is ${request.status}.`;
      if (
        request.imposedRequired !== null &&
        (request.imposedRequired !== a.twoFactorRequired || request.imposedMethod !== a.twoFactorRequiredMethod)
      ) {
        return 'Someone changed this account’s 2FA since the request was filed; it no longer applies. Ask again if it still should be turned off.';
      }
      if (request.expiresAt.getTime() < Date.now()) {
        await tx.update(twoFactorOffRequests).set({ status: 'expired' }).where(eq(twoFactorOffRequests.id, request.id));
        return 'This request expired (24 h without approval). Ask again if it still applies.';
      }
      return null;
    },
    change: (_a, now) => ({ twoFactorRequired: false, twoFactorRequiredMethod: null, twoFactorOffApprovedAt: now }),
    after: async (tx) => {
      await tx
        .update(twoFactorOffRequests)
        .set({ status: 'approved', decidedBy: actor.id, decidedAt: sql`now()` })
        .where(eq(twoFactorOffRequests.id, requestId));
    },
    notice: 'disable_2fa',
    done: (a) =>
      twoFactorOffStillRequired(a)
        ? '2FA off approved. The customer set it up themselves, so the platform is asked to remove it; the customer has been told.'
        : '2FA turned off. The platform and the customer have been told.',
  });
}
