'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/lib/database';
import { runAction, signedOut, type ActionResult } from '@/lib/actions/action-result';
import { currentActor } from '@/lib/auth/current-actor';
import { invalid } from '@/lib/errors';
import { approveTwoFactorOff } from '@/lib/services/accounts/approve-two-factor-off';
import { enableTwoFactor } from '@/lib/services/accounts/enable-two-factor';
import { forcePasswordReset } from '@/lib/services/accounts/force-password-reset';
import { lockAccount } from '@/lib/services/accounts/lock-account';
import { requestTwoFactorOff } from '@/lib/services/accounts/request-two-factor-off';
import { revokeSessions } from '@/lib/services/accounts/revoke-sessions';
import { unlockAccount } from '@/lib/services/accounts/unlock-account';

const services = {
  force_password_reset: forcePasswordReset,
  revoke_sessions: revokeSessions,
  lock: lockAccount,
  unlock: unlockAccount,
  enable_2fa: enableTwoFactor,
  request_2fa_off: requestTwoFactorOff,
  approve_2fa_off: approveTwoFactorOff,
} as const;
export type AccountIntent = keyof typeof services;

/** One account action from the account page; the service checks the role, the version and the key. */
export async function accountAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const actor = await currentActor();
  if (!actor) return signedOut;
  const fields = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string')) as Record<
    string,
    string
  >;
  const result = await runAction<undefined>(actor.requestId, async () => {
    const service = Object.hasOwn(services, fields.intent ?? '') ? services[fields.intent as AccountIntent] : undefined;
    if (!service) throw invalid('Invalid input: intent', { intent: ['is not an account action'] });
    const { message } = await service(await getDb(), actor, fields);
    return { message };
  });
  if (fields.accountId) revalidatePath(`/accounts/${fields.accountId}`);
  return result;
}
