import { and, eq, lt, sql } from 'drizzle-orm';
import { twoFactorOffRequests } from '@/db/schema';
import { authorize, withTransaction, type ServiceContext, type TxContext } from '@/lib/context';
import {
  answerAlreadyDone,
  answerChanged,
  auditAccountAction,
  checkAccountVersion,
  claimIdempotencyKey,
  lockAccountRow,
  parseAccountActionInput,
  type AccountActionResult,
  type AccountRow,
} from './account-change';
import { twoFactorOffStillRequired } from './security-state';

export const twoFactorOffRequestHours = 24;

/** A request nobody approved in time is expired, and no longer blocks a new one. */
async function expireStaleRequests(tx: TxContext, accountId: string): Promise<void> {
  await tx.db
    .update(twoFactorOffRequests)
    .set({ status: 'expired' })
    .where(
      and(
        eq(twoFactorOffRequests.accountId, accountId),
        eq(twoFactorOffRequests.status, 'pending'),
        lt(twoFactorOffRequests.expiresAt, sql`now()`),
      ),
    );
}

async function hasOpenRequest(tx: TxContext, accountId: string): Promise<boolean> {
  const [open] = await tx.db
    .select({ id: twoFactorOffRequests.id })
    .from(twoFactorOffRequests)
    .where(and(eq(twoFactorOffRequests.accountId, accountId), eq(twoFactorOffRequests.status, 'pending')));
  return open !== undefined;
}

function nothingToRequest(account: AccountRow): string | null {
  if (!account.twoFactorRequired && !account.reportedTwoFactorEnabled)
    return '2FA is already off on this account; nothing to request.';
  if (!account.twoFactorRequired && twoFactorOffStillRequired(account))
    return 'Turning 2FA off is already approved and waits for the platform to remove it; nothing to request.';
  return null;
}

/**
 * Asks for 2FA to be turned off; nothing changes on the account until a different admin approves, within
 * 24 h (approve-two-factor-off.ts). One open request per account. The request is audited on the account,
 * but neither the platform nor the customer is told yet.
 */
export async function requestTwoFactorOff(ctx: ServiceContext, rawInput: unknown): Promise<AccountActionResult> {
  authorize(ctx, 'accounts.request2faOff');
  const input = parseAccountActionInput(rawInput);
  return withTransaction(ctx, async (tx) => {
    const replay = await claimIdempotencyKey(tx, 'account.request_2fa_off', input);
    if (replay) return replay;
    const account = await lockAccountRow(tx, input.accountId);
    const nothing = nothingToRequest(account);
    if (nothing) return answerAlreadyDone(tx, input, account, nothing);
    await expireStaleRequests(tx, account.id);
    if (await hasOpenRequest(tx, account.id))
      return answerAlreadyDone(
        tx,
        input,
        account,
        'Turning 2FA off is already requested and waits for an admin; nothing changed.',
      );
    checkAccountVersion(account, input);
    const now = new Date();
    await tx.db.insert(twoFactorOffRequests).values({
      accountId: account.id,
      requestedBy: tx.actor.id!,
      reasonCode: input.reasonCode,
      note: input.note,
      imposedRequired: account.twoFactorRequired,
      imposedMethod: account.twoFactorRequiredMethod,
      expiresAt: new Date(now.getTime() + twoFactorOffRequestHours * 3_600_000),
    });
    await auditAccountAction(tx, 'account.request_2fa_off', input, account, account);
    return answerChanged(
      tx,
      input,
      account,
      `Requested. An admin other than you must approve within ${twoFactorOffRequestHours} h; until then 2FA stays as it is.`,
    );
  });
}
