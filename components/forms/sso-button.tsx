'use client';

import { useState } from 'react';

const button =
  'w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-50 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-950 dark:hover:bg-slate-900';

/**
 * Staff single sign-on: off to the IdP and back to `callbackPath` (next-auth's OIDC provider, id `oidc`). With
 * `reauthenticate` (step-up), the IdP must sign the person in again (`max_age=0`, `prompt=login`) rather than
 * reuse its own session; the fresh sign-in counts as the second factor only when the IdP asserts MFA.
 */
export function SsoButton({
  name,
  callbackPath,
  reauthenticate = false,
}: {
  name: string;
  callbackPath?: string;
  reauthenticate?: boolean;
}) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className={button}
      disabled={pending}
      onClick={() => {
        setPending(true);
        const callbackUrl = callbackPath ?? `${window.location.pathname}${window.location.search}`;
        // next-auth's client loads on the click: the step-up prompt (action-message.tsx) is on every page with a form.
        void import('next-auth/react').then(({ signIn }) =>
          signIn('oidc', { callbackUrl }, reauthenticate ? { max_age: '0', prompt: 'login' } : undefined),
        );
      }}
    >
      {pending ? `Going to ${name}…` : reauthenticate ? `Verify again with ${name}` : `Sign in with ${name}`}
    </button>
  );
}
