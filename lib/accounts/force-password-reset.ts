import type { Db } from '@/db/client';
import { resetStillRequired } from '@/lib/accounts/security-state';
import type { Actor } from '@/lib/auth/actor';
import { runAccountAction, type AccountActionResult, type ActionSpec } from './account-action';

/** The customer must choose a new password through the platform's own flow; every session ends now. Staff never see or set it. */
export function forcePasswordReset(db: Db, actor: Actor, input: unknown): Promise<AccountActionResult> {
  return runAccountAction(db, actor, input, forcePasswordResetSpec);
}

export const forcePasswordResetSpec: ActionSpec = {
  action: 'account.force_password_reset',
  permission: 'accounts.act',
  alreadyDone: (a) => (resetStillRequired(a) ? 'A password reset is already required; nothing changed.' : null),
  change: (_a, now) => ({ passwordResetRequired: true, passwordResetRequiredAt: now, sessionsValidAfter: now }),
  notice: 'force_password_reset',
  done: () => 'Password reset required; all sessions ended. The customer has been told.',
};
