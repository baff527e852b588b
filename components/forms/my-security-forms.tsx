'use client';

import { useActionState } from 'react';
import { useRouter } from 'next/navigation';
import {
  changePasswordAction,
  endSessionAction,
  newRecoveryCodesAction,
  removeFactorAction,
} from '@/app/(console)/security/actions';
import { AddPasskeyButton } from './passkey-buttons';
import { ActionMessage } from '@/components/forms/action-message';
import { buttonDanger, buttonSecondary, input } from '@/components/ui/styles';

/** New recovery codes, shown once. */
export function NewRecoveryCodesForm() {
  const [state, action, pending] = useActionState(newRecoveryCodesAction, null);
  return (
    <form action={action} className="space-y-3">
      <p className="text-sm text-slate-700 dark:text-slate-300">
        Ten single-use codes for when your phone is lost. Making new ones ends the old ones.
      </p>
      {state?.ok && state.data ? (
        <ul data-testid="recovery-codes" className="grid grid-cols-2 gap-1 font-mono text-sm select-all sm:grid-cols-5">
          {state.data.codes.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      ) : null}
      <ActionMessage state={state} />
      <button type="submit" disabled={pending} className={buttonSecondary}>
        Make new recovery codes
      </button>
    </form>
  );
}

export function EndSessionButton({ sessionId, label }: { sessionId: string; label: string }) {
  const [state, action, pending] = useActionState(endSessionAction, null);
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="sessionId" value={sessionId} />
      <button type="submit" disabled={pending} className={buttonDanger} aria-label={label}>
        End
      </button>
      {state && !state.ok ? <ActionMessage state={state} /> : null}
    </form>
  );
}

export function ChangePasswordForm() {
  const [state, action, pending] = useActionState(changePasswordAction, null);
  return (
    <form action={action} className="max-w-sm space-y-3">
      <div>
        <label htmlFor="current-password" className="block text-sm font-medium">
          Current password
        </label>
        <input
          id="current-password"
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          required
          className={`${input} mt-1 w-full`}
        />
      </div>
      <div>
        <label htmlFor="new-password" className="block text-sm font-medium">
          New password (at least 12 characters)
        </label>
        <input
          id="new-password"
          name="newPassword"
          type="password"
          autoComplete="new-password"
          minLength={12}
          required
          className={`${input} mt-1 w-full`}
        />
      </div>
      <ActionMessage state={state} />
      <button type="submit" disabled={pending} className={buttonSecondary}>
        Change password
      </button>
    </form>
  );
}

export function RemoveFactorButton({ factorId, label }: { factorId: string; label: string }) {
  const [state, action, pending] = useActionState(removeFactorAction, null);
  return (
    <form action={action} className="space-y-1">
      <input type="hidden" name="factorId" value={factorId} />
      <button type="submit" disabled={pending} className={buttonSecondary} aria-label={label}>
        Remove
      </button>
      {state && !state.ok ? <ActionMessage state={state} /> : null}
    </form>
  );
}

/** Adds a passkey to one's account; the page then shows it. */
export function AddPasskey() {
  const router = useRouter();
  return <AddPasskeyButton label="Add a passkey" onDone={() => router.refresh()} />;
}
