import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
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

/** Locked: the platform refuses sign-in and payments; every session ends now. */
export async function lockAccount(ctx: ServiceContext, rawInput: unknown): Promise<AccountActionResult> {
  authorize(ctx, 'accounts.act', { stepUp: true });
  const input = parseAccountActionInput(rawInput);
  return withTransaction(ctx, async (tx) => {
    const replay = await claimIdempotencyKey(tx, 'account.lock', input);
    if (replay) return replay;
    const account = await lockAccountRow(tx, input.accountId);
    if (account.status === 'locked')
      return answerAlreadyDone(tx, input, account, 'The account is already locked; nothing changed.');
    checkAccountVersion(account, input);
    const now = new Date();
    const updated = await commitAccountChange(tx, {
      action: 'account.lock',
      input,
      account,
      set: { status: 'locked', sessionsValidAfter: now, lockReasonCode: input.reasonCode },
      at: now,
      notice: 'account.lock',
    });
    return answerChanged(tx, input, updated, 'Account locked; all sessions ended.');
  });
}
