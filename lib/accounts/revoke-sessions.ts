import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import {
  answerChanged,
  checkAccountVersion,
  claimIdempotencyKey,
  commitAccountChange,
  lockAccountRow,
  parseAccountActionInput,
  type AccountActionResult,
} from './account-change';

/** Every session the customer holds ends now: sessions are valid only after this moment. Never "already done". */
export async function revokeSessions(ctx: ServiceContext, rawInput: unknown): Promise<AccountActionResult> {
  authorize(ctx, 'accounts.act');
  const input = parseAccountActionInput(rawInput);
  return withTransaction(ctx, async (tx) => {
    const replay = await claimIdempotencyKey(tx, 'account.revoke_sessions', input);
    if (replay) return replay;
    const account = await lockAccountRow(tx, input.accountId);
    checkAccountVersion(account, input);
    const now = new Date();
    const updated = await commitAccountChange(tx, {
      action: 'account.revoke_sessions',
      input,
      account,
      set: { sessionsValidAfter: now },
      at: now,
      notice: 'account.revoke_sessions',
    });
    return answerChanged(tx, input, updated, 'All sessions ended.');
  });
}
