import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { twoFactorOffRequests } from '@/db/schema';
import { issuedLinkRecently } from '@/lib/staff/enrolment-links';
import { authorize, withTransaction, type ServiceContext, type TxContext } from '@/lib/context';
import { parseInput } from '@/lib/validation';
import {
  answerAlreadyDone,
  answerChanged,
  claimIdempotencyKey,
  commitAccountChange,
  lockAccountRow,
  parseAccountActionInput,
  refuseAccountAction,
  type AccountActionResult,
  type AccountRow,
} from './account-change';
import { twoFactorOffStillRequired } from './security-state';

const RequestRef = z.object({ requestId: z.uuid('is not a request id') });

type TwoFactorOffRequest = typeof twoFactorOffRequests.$inferSelect;

async function lockRequest(tx: TxContext, requestId: string, accountId: string) {
  const [request] = await tx.db
    .select()
    .from(twoFactorOffRequests)
    .where(and(eq(twoFactorOffRequests.id, requestId), eq(twoFactorOffRequests.accountId, accountId)))
    .for('update');
  return request;
}

/** Why this approver may not approve this request now; null if they may. */
function refusal(tx: TxContext, account: AccountRow, request: TwoFactorOffRequest | undefined): string | null {
  if (!request) return 'There is no such request for this account.';
  if (request.requestedBy === tx.actor.id) return 'You asked for this yourself: a different admin must approve it.';
  if (request.status !== 'pending') return `This request is ${request.status}.`;
  if (
    request.imposedRequired !== null &&
    (request.imposedRequired !== account.twoFactorRequired || request.imposedMethod !== account.twoFactorRequiredMethod)
  ) {
    return 'Someone changed this account’s 2FA since the request was filed; it no longer applies. Ask again if it still should be turned off.';
  }
  if (request.expiresAt.getTime() < Date.now())
    return 'This request expired (24 h without approval). Ask again if it still applies.';
  return null;
}

/**
 * The second person: an admin who did not ask approves, within 24 h; then 2FA is off. Staff's requirement
 * goes at once; a customer's own enrolment is reported as `twoFactor.disableRequired` until the platform
 * reports it removed. The page's version does not matter: an approval acts on the request, not on what the
 * approver saw (the request itself records the 2FA it was filed against).
 */
export async function approveTwoFactorOff(ctx: ServiceContext, rawInput: unknown): Promise<AccountActionResult> {
  authorize(ctx, 'accounts.approve2faOff', { stepUp: true });
  const { requestId } = parseInput(RequestRef, { requestId: (rawInput as { requestId?: unknown } | null)?.requestId });
  const input = parseAccountActionInput(rawInput);
  return withTransaction(ctx, async (tx) => {
    const replay = await claimIdempotencyKey(tx, 'account.approve_2fa_off', input);
    if (replay) return replay;
    const account = await lockAccountRow(tx, input.accountId);
    const request = await lockRequest(tx, requestId, account.id);
    if (request?.status === 'approved')
      return answerAlreadyDone(tx, input, account, 'This request is already approved; 2FA is off.');
    const refused = refusal(tx, account, request);
    if (refused) refuseAccountAction(account, refused);
    // An admin cannot act as two people: one who set up the requester's sign-in in the last 24 h (and so could
    // hold it) does not approve that person's request.
    if (tx.actor.id && request && (await issuedLinkRecently(tx.db, tx.actor.id, request.requestedBy))) {
      refuseAccountAction(
        account,
        'You issued the requester’s enrolment link in the last 24 hours, so another admin must approve this.',
      );
    }
    const now = new Date();
    const updated = await commitAccountChange(tx, {
      action: 'account.approve_2fa_off',
      input,
      account,
      set: { twoFactorRequired: false, twoFactorRequiredMethod: null, twoFactorOffApprovedAt: now },
      at: now,
      notice: 'account.approve_2fa_off',
    });
    await tx.db
      .update(twoFactorOffRequests)
      .set({ status: 'approved', decidedBy: tx.actor.id, decidedAt: sql`now()` })
      .where(eq(twoFactorOffRequests.id, requestId));
    return answerChanged(
      tx,
      input,
      updated,
      twoFactorOffStillRequired(updated)
        ? '2FA off approved. The customer set it up themselves, so the platform is asked to remove it; the customer has been told.'
        : '2FA turned off. The platform and the customer have been told.',
    );
  });
}
