import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { ServiceError } from '@/lib/errors';
import {
  answerAlreadyDone,
  answerChanged,
  checkAccountVersion,
  claimIdempotencyKey,
  commitAccountChange,
  lockAccountRow,
  parseAccountActionInput,
  type AccountActionResult,
} from './account-change';

/** Unlocked: the customer can sign in and pay again. */
export async function unlockAccount(ctx: ServiceContext, rawInput: unknown): Promise<AccountActionResult> {
  authorize(ctx, 'accounts.act', { stepUp: true });
  const input = parseAccountActionInput(rawInput);
  return withTransaction(ctx, async (tx) => {
    const replay = await claimIdempotencyKey(tx, 'account.unlock', input);
    if (replay) return replay;
    const account = await lockAccountRow(tx, input.accountId);
    if (account.status === 'active')
      return answerAlreadyDone(tx, input, account, 'The account is not locked; nothing changed.');
    // An agent cannot weaken a protection alone: a lock for a suspected takeover is lifted by an admin.
    if (account.lockReasonCode === 'suspected_takeover' && ctx.actor.role !== 'admin' && ctx.actor.kind !== 'system') {
      throw new ServiceError('forbidden', 'This account was locked as a suspected takeover: an admin must unlock it.');
    }
    checkAccountVersion(account, input);
    const now = new Date();
    const updated = await commitAccountChange(tx, {
      action: 'account.unlock',
      input,
      account,
      set: { status: 'active', lockReasonCode: null },
      at: now,
      notice: 'account.unlock',
    });
    return answerChanged(tx, input, updated, 'Account unlocked.');
  });
}
