import { z } from 'zod';
import type { Db } from '@/db/client';
import { twoFactorMethods } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { parseInput } from '@/lib/validation';
import { runAccountAction, type AccountActionResult } from './account-action';

const Method = z.object({
  method: z.enum(twoFactorMethods, { error: `must be one of ${twoFactorMethods.join(', ')}` }),
});

/** 2FA is required at every sign-in, with the chosen method. */
export async function enableTwoFactor(db: Db, actor: Actor, input: unknown): Promise<AccountActionResult> {
  requirePermission(actor, 'accounts.act');
  const { method } = parseInput(Method, { method: (input as { method?: unknown } | null)?.method });
  return runAccountAction(db, actor, input, {
    action: 'account.enable_2fa',
    permission: 'accounts.act',
    alreadyDone: (a) =>
      a.twoFactorRequired && a.twoFactorRequiredMethod === method
        ? `2FA by ${method} is already required; nothing changed.`
        : null,
    // Requiring 2FA again also withdraws an approved "turn it off" the platform has not carried out yet.
    change: () => ({ twoFactorRequired: true, twoFactorRequiredMethod: method, twoFactorOffApprovedAt: null }),
    notice: 'enable_2fa',
    done: () => `2FA by ${method} is now required at every sign-in.`,
  });
}
