'use client';

import { useState } from 'react';
import type { ActionResult } from '@/lib/actions/action-result';
import { UsePasskeyButton } from './passkey-buttons';
import { SsoButton } from './sso-button';

/**
 * Asked for when an action needs a fresh second factor (step-up). Rendered inside the form: a code rides with the
 * same submission, which then carries on; a passkey confirms first, then the same submit button carries on.
 */
function StepUp({ message, sso }: { message: string; sso?: string }) {
  const [confirmed, setConfirmed] = useState(false);
  return (
    <div
      role="alert"
      className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950"
    >
      <p className="text-amber-900 dark:text-amber-100">
        {confirmed ? 'Confirmed with your passkey. Submit again to carry on.' : message}
      </p>
      {confirmed ? null : (
        <>
          <label htmlFor="step-up-code" className="mt-2 block font-medium">
            Authentication code
          </label>
          <input
            id="step-up-code"
            name="stepUpCode"
            autoComplete="one-time-code"
            autoFocus
            className="mt-1 block w-40 rounded-md border border-slate-300 bg-white px-2 py-1.5 font-mono tracking-widest dark:border-slate-700 dark:bg-slate-900"
          />
          <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
            Then submit again; what you entered is kept. Or:
          </p>
          <div className="mt-2 max-w-xs">
            <UsePasskeyButton label="Confirm with a passkey" onDone={() => setConfirmed(true)} />
          </div>
          {sso ? (
            <div className="mt-2 max-w-xs">
              <SsoButton name={sso} reauthenticate />
              <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
                You come back to this page; submit again then.
              </p>
            </div>
          ) : null}
        </>
      )}
    </div>
  );
}

/** The outcome of a server action, announced to screen readers. */
/** A secret in `data.secret` (a generated password, an API key) is shown once, ready to copy. */
export function ActionMessage({
  state,
  secretLabel = 'Password',
}: {
  state: ActionResult<{ secret?: string } | object | undefined> | null;
  secretLabel?: string;
}) {
  if (!state) return null;
  if (!state.ok && state.code === 'step_up_required') return <StepUp message={state.error} sso={state.sso} />;
  if (!state.ok) {
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-300">
        {state.error}
      </p>
    );
  }
  return (
    <div role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
      <p>{state.message}</p>
      {state.data && 'secret' in state.data && typeof state.data.secret === 'string' ? (
        <p className="mt-1">
          {secretLabel} (copy it now, it will not be shown again):{' '}
          <code
            data-testid="one-time-secret"
            className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-900 select-all dark:bg-slate-800 dark:text-slate-100"
          >
            {state.data.secret}
          </code>
        </p>
      ) : null}
    </div>
  );
}
