import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { runAccountAction, type AccountActionResult } from './account-action';

export function unlockAccount(db: Db, actor: Actor, input: unknown): Promise<AccountActionResult> {
  return runAccountAction(db, actor, input, {
    action: 'account.unlock',
    permission: 'accounts.act',
    alreadyDone: (a) => (a.status === 'active' ? 'The account is not locked; nothing changed.' : null),
    change: () => ({ status: 'active' }),
    notice: 'unlock',
    done: () => 'Account unlocked.',
  });
}
