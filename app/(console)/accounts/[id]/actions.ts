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
import { approveErasure, requestErasure } from '@/lib/accounts/erase-account';
import { releaseLegalHold, setLegalHold } from '@/lib/accounts/legal-hold';

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

const field = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

/** The account page's customer-data card: legal hold on and off, erasure asked for and approved (two admins). */
export async function customerDataAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const accountId = field(form, 'accountId');
  const intent = field(form, 'intent');
  const result = await staffAction(async (ctx) => {
    switch (intent) {
      case 'hold':
        await setLegalHold(ctx, { accountId, reason: field(form, 'reason') });
        return { message: 'The account is under legal hold: its data is kept past retention and it cannot be erased.' };
      case 'release':
        await releaseLegalHold(ctx, { accountId });
        return { message: 'Hold released. The account’s data follows normal retention again.' };
      case 'request_erasure':
        await requestErasure(ctx, accountId);
        return { message: 'Erasure requested. A different admin must approve it.' };
      case 'approve_erasure': {
        const done = await approveErasure(ctx, field(form, 'requestId'));
        return { message: `Erased. The account's remaining records now live under ${done.accountId}.` };
      }
      default:
        throw invalid('Invalid input: intent', { intent: ['is not a customer-data action'] });
    }
  }, form);
  if (accountId) revalidatePath(`/accounts/${accountId}`);
  return result;
}
