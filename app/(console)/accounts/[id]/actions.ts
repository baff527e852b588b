'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/app/_adapters/server-action';
import type { ActionResult } from '@/lib/actions/action-result';
import { approveTwoFactorOff } from '@/lib/accounts/approve-two-factor-off';
import { forcePasswordReset } from '@/lib/accounts/force-password-reset';
import { lockAccount } from '@/lib/accounts/lock-account';
import { requestTwoFactorOff } from '@/lib/accounts/request-two-factor-off';
import { requireTwoFactor } from '@/lib/accounts/require-two-factor';
import { revokeSessions } from '@/lib/accounts/revoke-sessions';
import { unlockAccount } from '@/lib/accounts/unlock-account';
import { invalid } from '@/lib/errors';

/** Each form intent is the audit action it leads to, so one name follows an action end to end. */
const verbs = {
  'account.force_password_reset': forcePasswordReset,
  'account.revoke_sessions': revokeSessions,
  'account.lock': lockAccount,
  'account.unlock': unlockAccount,
  'account.enable_2fa': requireTwoFactor,
  'account.request_2fa_off': requestTwoFactorOff,
  'account.approve_2fa_off': approveTwoFactorOff,
} as const;
export type AccountIntent = keyof typeof verbs;

/** One account action from the account page; the verb checks the role, the version and the key. */
export async function accountAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const fields = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string')) as Record<
    string,
    string
  >;
  const result = await staffAction(async (ctx) => {
    const verb = Object.hasOwn(verbs, fields.intent ?? '') ? verbs[fields.intent as AccountIntent] : undefined;
    if (!verb) throw invalid('Invalid input: intent', { intent: ['is not an account action'] });
    const { message } = await verb(ctx, fields);
    return { message };
  }, form);
  if (fields.accountId) revalidatePath(`/accounts/${fields.accountId}`);
  return result;
}
