'use client';

import { useActionState } from 'react';
import { createStaffAction } from '@/app/(console)/admin/staff/actions';
import { buttonPrimary, input } from '@/components/ui/styles';
import { ActionMessage } from './action-message';

export function CreateStaffForm() {
  const [state, action, pending] = useActionState(createStaffAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-3">
      <div className="grid gap-3 sm:grid-cols-3">
        <div>
          <label htmlFor="new-email" className="block text-sm font-medium">
            Email
          </label>
          <input
            id="new-email"
            name="email"
            type="email"
            required
            className={`${input} mt-1 w-full`}
            aria-invalid={Boolean(errors?.email)}
          />
          {errors?.email ? <p className="mt-1 text-xs text-red-700 dark:text-red-300">{errors.email[0]}</p> : null}
        </div>
        <div>
          <label htmlFor="new-name" className="block text-sm font-medium">
            Name
          </label>
          <input
            id="new-name"
            name="name"
            required
            className={`${input} mt-1 w-full`}
            aria-invalid={Boolean(errors?.name)}
          />
          {errors?.name ? <p className="mt-1 text-xs text-red-700 dark:text-red-300">{errors.name[0]}</p> : null}
        </div>
        <div>
          <label htmlFor="new-role" className="block text-sm font-medium">
            Role
          </label>
          <select id="new-role" name="role" defaultValue="agent" className={`${input} mt-1 w-full`}>
            <option value="agent">agent</option>
            <option value="analyst">analyst</option>
            <option value="admin">admin</option>
          </select>
        </div>
      </div>
      <div className="flex items-center gap-4">
        <button type="submit" disabled={pending} className={buttonPrimary}>
          {pending ? 'Creating…' : 'Create staff member'}
        </button>
        <p className="text-xs text-slate-600 dark:text-slate-400">
          They get a one-time link (24 h) to set their own password and second factor.
        </p>
      </div>
      <ActionMessage state={state} secretLabel="Enrolment link" />
    </form>
  );
}
