import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { runAccountAction, type AccountActionResult, type ActionSpec } from './account-action';

/** Locked: the platform refuses sign-in and payments; every session ends now. */
export function lockAccount(db: Db, actor: Actor, input: unknown): Promise<AccountActionResult> {
  return runAccountAction(db, actor, input, lockAccountSpec);
}

export const lockAccountSpec: ActionSpec = {
  action: 'account.lock',
  permission: 'accounts.act',
  alreadyDone: (a) => (a.status === 'locked' ? 'The account is already locked; nothing changed.' : null),
  change: (_a, now) => ({ status: 'locked', sessionsValidAfter: now }),
  notice: 'lock',
  done: () => 'Account locked; all sessions ended.',
};
