import { z } from 'zod';
import { twoFactorMethods } from '@/db/schema';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { ServiceError } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
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

const Method = z.object({
  method: z.enum(twoFactorMethods, { error: `must be one of ${twoFactorMethods.join(', ')}` }),
});

/**
 * 2FA is required at every sign-in, with the chosen method. The audit action stays `account.enable_2fa`
 * (the name the audit log, the webhook and the outbox have always carried).
 */
export async function requireTwoFactor(ctx: ServiceContext, rawInput: unknown): Promise<AccountActionResult> {
  authorize(ctx, 'accounts.act', { stepUp: true });
  const { method } = parseInput(Method, { method: (rawInput as { method?: unknown } | null)?.method });
  const input = parseAccountActionInput(rawInput);
  return withTransaction(ctx, async (tx) => {
    const replay = await claimIdempotencyKey(tx, 'account.enable_2fa', input);
    if (replay) return replay;
    const account = await lockAccountRow(tx, input.accountId);
    if (account.twoFactorRequired && account.twoFactorRequiredMethod === method)
      return answerAlreadyDone(tx, input, account, `2FA by ${method} is already required; nothing changed.`);
    // An agent cannot weaken a requirement alone: an authenticator app replaced by SMS or e-mail needs an admin.
    const weakens = account.twoFactorRequired && account.twoFactorRequiredMethod === 'totp' && method !== 'totp';
    if (weakens && ctx.actor.role !== 'admin' && ctx.actor.kind !== 'system') {
      throw new ServiceError(
        'forbidden',
        `Replacing a required authenticator app with ${method} weakens the account's protection: an admin must do it.`,
      );
    }
    checkAccountVersion(account, input);
    const now = new Date();
    const updated = await commitAccountChange(tx, {
      action: 'account.enable_2fa',
      input,
      account,
      // Requiring 2FA again also withdraws an approved "turn it off" the platform has not carried out yet.
      set: { twoFactorRequired: true, twoFactorRequiredMethod: method, twoFactorOffApprovedAt: null },
      at: now,
      notice: 'account.enable_2fa',
    });
    return answerChanged(tx, input, updated, `2FA by ${method} is now required at every sign-in.`);
  });
}
