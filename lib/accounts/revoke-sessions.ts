import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { runAccountAction, type AccountActionResult, type ActionSpec } from './account-action';

/** Every session the customer holds ends now: sessions are valid only after this moment. */
export function revokeSessions(db: Db, actor: Actor, input: unknown): Promise<AccountActionResult> {
  return runAccountAction(db, actor, input, revokeSessionsSpec);
}

export const revokeSessionsSpec: ActionSpec = {
  action: 'account.revoke_sessions',
  permission: 'accounts.act',
  alreadyDone: () => null,
  change: (_a, now) => ({ sessionsValidAfter: now }),
  notice: 'revoke_sessions',
  done: () => 'All sessions ended.',
};
