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
import { resetStillRequired } from './security-state';

/**
 * The customer must choose a new password through the platform's own flow; every session ends now. Staff
 * never see or set it.
 */
export async function forcePasswordReset(ctx: ServiceContext, rawInput: unknown): Promise<AccountActionResult> {
  authorize(ctx, 'accounts.act', { stepUp: true });
  const input = parseAccountActionInput(rawInput);
  return withTransaction(ctx, async (tx) => {
    const replay = await claimIdempotencyKey(tx, 'account.force_password_reset', input);
    if (replay) return replay;
    const account = await lockAccountRow(tx, input.accountId);
    if (resetStillRequired(account))
      return answerAlreadyDone(tx, input, account, 'A password reset is already required; nothing changed.');
    checkAccountVersion(account, input);
    const now = new Date();
    const updated = await commitAccountChange(tx, {
      action: 'account.force_password_reset',
      input,
      account,
      set: { passwordResetRequired: true, passwordResetRequiredAt: now, sessionsValidAfter: now },
      at: now,
      notice: 'account.force_password_reset',
    });
    return answerChanged(
      tx,
      input,
      updated,
      'Password reset required; all sessions ended. The customer has been told.',
    );
  });
}
