'use client';

import { useActionState, useRef, useState } from 'react';
import { accountAction, type AccountIntent } from '@/app/(console)/accounts/[id]/actions';
import { ActionMessage } from '@/components/forms/action-message';
import { buttonDanger, buttonPrimary, buttonSecondary, input } from '@/components/ui/styles';

export interface AccountActionsProps {
  accountId: string;
  version: number;
  status: 'active' | 'locked';
  passwordResetRequired: boolean;
  twoFactorRequired: boolean;
  twoFactorRequiredMethod: string | null;
  twoFactorOn: boolean;
  canAct: boolean;
  canRequest2faOff: boolean;
  canApprove2faOff: boolean;
  pendingTwoFactorOff: {
    id: string;
    requestedByMe: boolean;
    requestedBy: string;
    note: string;
    expiresAt: string;
  } | null;
  reasons: { value: string; label: string }[];
}

const copy: Record<AccountIntent, { button: string; title: string; effect: string; danger?: boolean }> = {
  'account.force_password_reset': {
    button: 'Force password reset',
    title: 'Force a password reset?',
    effect:
      'The customer must choose a new password at their next sign-in, through the platform’s own flow. Every session ends now. You never see or set the password.',
    danger: true,
  },
  'account.revoke_sessions': {
    button: 'Revoke sessions',
    title: 'Sign the customer out everywhere?',
    effect: 'Every session ends now; the customer signs in again.',
  },
  'account.lock': {
    button: 'Lock account',
    title: 'Lock this account?',
    effect: 'The platform refuses sign-in and payments until someone unlocks it. Every session ends now.',
    danger: true,
  },
  'account.unlock': {
    button: 'Unlock account',
    title: 'Unlock this account?',
    effect: 'The customer can sign in and pay again.',
  },
  'account.enable_2fa': {
    button: 'Require 2FA',
    title: 'Require two-step verification?',
    effect: 'Every sign-in will ask for a code by the method you choose.',
  },
  'account.request_2fa_off': {
    button: 'Request 2FA off',
    title: 'Ask to turn two-step verification off?',
    effect: 'Nothing changes until an admin other than you approves, within 24 hours.',
    danger: true,
  },
  'account.approve_2fa_off': {
    button: 'Approve 2FA off',
    title: 'Approve turning two-step verification off?',
    effect: 'Two-step verification is turned off for this account now; the platform and the customer are told.',
    danger: true,
  },
};

/**
 * The levers support pulls on an account. Each asks to confirm with a reason (a code and a note) in a
 * modal dialog; each submission carries its own idempotency key, so a double click changes nothing twice.
 */
export function AccountActions(props: AccountActionsProps) {
  const [state, action, pending] = useActionState(async (previous: unknown, form: FormData) => {
    const result = await accountAction(previous, form);
    if (result.ok) dialog.current?.close();
    return result;
  }, null);
  // What the last refused submission carried, shown again so a step-up prompt or a conflict loses nothing.
  const kept = state && !state.ok ? state.values : undefined;
  const [intent, setIntent] = useState<AccountIntent | null>(null);
  const [key, setKey] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);
  const open = (next: AccountIntent) => {
    setIntent(next);
    setKey(crypto.randomUUID());
    dialog.current?.showModal();
  };
  const p = props;
  const buttons: AccountIntent[] = [];
  if (p.canAct) {
    if (!p.passwordResetRequired) buttons.push('account.force_password_reset');
    buttons.push(
      'account.revoke_sessions',
      p.status === 'locked' ? 'account.unlock' : 'account.lock',
      'account.enable_2fa',
    );
  }
  if (p.canRequest2faOff && (p.twoFactorRequired || p.twoFactorOn) && !p.pendingTwoFactorOff)
    buttons.push('account.request_2fa_off');
  const c = intent ? copy[intent] : null;
  return (
    <div className="space-y-3">
      {buttons.length > 0 ? (
        <div className="flex flex-wrap gap-2">
          {buttons.map((b) => (
            <button
              key={b}
              type="button"
              className={copy[b].danger ? buttonDanger : buttonSecondary}
              onClick={() => open(b)}
            >
              {copy[b].button}
            </button>
          ))}
        </div>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Your role reads this account; agents and admins act on it.
        </p>
      )}
      {p.pendingTwoFactorOff ? (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950">
          <p>
            <strong>2FA off requested</strong> by{' '}
            {p.pendingTwoFactorOff.requestedByMe ? 'you' : p.pendingTwoFactorOff.requestedBy}: “
            {p.pendingTwoFactorOff.note}”. Expires {p.pendingTwoFactorOff.expiresAt.slice(0, 16).replace('T', ' ')} UTC.
          </p>
          {p.canApprove2faOff && !p.pendingTwoFactorOff.requestedByMe ? (
            <button type="button" className={`${buttonDanger} mt-2`} onClick={() => open('account.approve_2fa_off')}>
              Approve 2FA off
            </button>
          ) : (
            <p className="mt-1 text-slate-700 dark:text-slate-300">
              {p.pendingTwoFactorOff.requestedByMe
                ? 'An admin other than you must approve it.'
                : 'An admin must approve it.'}
            </p>
          )}
        </div>
      ) : null}
      {state?.ok ? <ActionMessage state={state} /> : null}
      <dialog
        ref={dialog}
        aria-labelledby="account-action-title"
        className="m-auto w-full max-w-lg rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      >
        {c && intent ? (
          <form action={action} className="space-y-3 p-5">
            <h2 id="account-action-title" className="text-base font-semibold">
              {c.title}
            </h2>
            <p className="text-sm text-slate-700 dark:text-slate-300">{c.effect}</p>
            <input type="hidden" name="intent" value={intent} />
            <input type="hidden" name="accountId" value={p.accountId} />
            <input type="hidden" name="version" value={p.version} />
            <input type="hidden" name="idempotencyKey" value={key} />
            {intent === 'account.approve_2fa_off' && p.pendingTwoFactorOff ? (
              <input type="hidden" name="requestId" value={p.pendingTwoFactorOff.id} />
            ) : null}
            {intent === 'account.enable_2fa' ? (
              <div>
                <label htmlFor="action-method" className="block text-sm font-medium">
                  Method
                </label>
                <select
                  id="action-method"
                  name="method"
                  required
                  defaultValue={kept?.method ?? p.twoFactorRequiredMethod ?? 'totp'}
                  className={`${input} mt-1`}
                >
                  <option value="totp">Authenticator app</option>
                  <option value="sms">SMS</option>
                  <option value="email">E-mail</option>
                </select>
              </div>
            ) : null}
            <div>
              <label htmlFor="action-reason" className="block text-sm font-medium">
                Reason
              </label>
              <select
                id="action-reason"
                name="reasonCode"
                required
                defaultValue={kept?.reasonCode ?? ''}
                key={kept?.reasonCode}
                className={`${input} mt-1 w-full`}
              >
                <option value="" disabled>
                  Choose a reason…
                </option>
                {p.reasons.map((r) => (
                  <option key={r.value} value={r.value}>
                    {r.label}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="action-note" className="block text-sm font-medium">
                Note (what you checked, who asked)
              </label>
              <textarea
                id="action-note"
                name="note"
                required
                defaultValue={kept?.note}
                key={kept?.note}
                maxLength={1000}
                rows={3}
                className={`${input} mt-1 w-full`}
              />
            </div>
            {state && !state.ok ? <ActionMessage state={state} /> : null}
            <div className="flex justify-end gap-2">
              <button type="button" className={buttonSecondary} onClick={() => dialog.current?.close()}>
                Cancel
              </button>
              <button type="submit" className={c.danger ? buttonDanger : buttonPrimary} disabled={pending}>
                {c.button}
              </button>
            </div>
          </form>
        ) : null}
      </dialog>
    </div>
  );
}
