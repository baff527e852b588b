'use client';

import { useActionState, useState } from 'react';
import { staffRowAction } from '@/app/(console)/admin/staff/actions';
import { buttonDanger, buttonSecondary, input } from '@/components/ui/styles';
import { ActionMessage } from './action-message';

interface Props {
  staffId: string;
  email: string;
  role: string;
  disabled: boolean;
  isSelf: boolean;
}

/** Role change, disable / enable and password reset; the customer-affecting ones ask to confirm first. */
export function StaffRowActions({ staffId, email, role, disabled, isSelf }: Props) {
  const [state, action, pending] = useActionState(staffRowAction, null);
  const [confirming, setConfirming] = useState<'disable' | 'reset-password' | null>(null);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-center gap-2">
        <form action={action} className="flex items-center gap-1.5">
          <input type="hidden" name="staffId" value={staffId} />
          <input type="hidden" name="intent" value="role" />
          <label htmlFor={`role-${staffId}`} className="sr-only">
            Role of {email}
          </label>
          <select id={`role-${staffId}`} name="role" defaultValue={role} className={input} disabled={isSelf}>
            <option value="agent">agent</option>
            <option value="analyst">analyst</option>
            <option value="admin">admin</option>
          </select>
          <button type="submit" className={buttonSecondary} disabled={pending || isSelf}>
            Change role
          </button>
        </form>
        {disabled ? (
          <form action={action}>
            <input type="hidden" name="staffId" value={staffId} />
            <input type="hidden" name="intent" value="enable" />
            <button type="submit" className={buttonSecondary} disabled={pending}>
              Enable
            </button>
          </form>
        ) : (
          <button
            type="button"
            className={buttonDanger}
            disabled={pending || isSelf}
            onClick={() => setConfirming('disable')}
          >
            Disable
          </button>
        )}
        <button
          type="button"
          className={buttonSecondary}
          disabled={pending}
          onClick={() => setConfirming('reset-password')}
        >
          Send new enrolment link
        </button>
      </div>
      {confirming ? (
        <form
          action={action}
          onSubmit={() => setConfirming(null)}
          role="group"
          aria-label="Confirm"
          className="flex flex-wrap items-center gap-2 rounded-md border border-amber-300 bg-amber-50 p-2 text-sm dark:border-amber-800 dark:bg-amber-950"
        >
          <input type="hidden" name="staffId" value={staffId} />
          <input type="hidden" name="intent" value={confirming} />
          <span>
            {confirming === 'disable'
              ? `Disable ${email}? They are signed out everywhere at once.`
              : `Send ${email} a new enrolment link? Their password and second factors stop working and every session ends; the link is shown once.`}
          </span>
          <button type="submit" className={buttonDanger}>
            {confirming === 'disable' ? 'Yes, disable' : 'Yes, make a new link'}
          </button>
          <button type="button" className={buttonSecondary} onClick={() => setConfirming(null)}>
            Cancel
          </button>
        </form>
      ) : null}
      <ActionMessage state={state} secretLabel="Enrolment link" />
    </div>
  );
}
