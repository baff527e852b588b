'use client';

import { useActionState } from 'react';
import { retentionRunAction } from '@/app/(console)/admin/retention/actions';
import { buttonPrimary, buttonSecondary } from '@/components/ui/styles';
import { ActionMessage } from './action-message';

/**
 * Preview (a dry run: lists what is past its window, changes nothing) and Run now (drops and deletes it, audited).
 * The outcome's lines show under the buttons.
 */
export function RetentionRunForm() {
  const [state, action, pending] = useActionState(retentionRunAction, null);
  const lines = state?.ok ? state.data : undefined;
  return (
    <form action={action} className="space-y-3">
      <div className="flex flex-wrap gap-2">
        <button type="submit" name="mode" value="preview" disabled={pending} className={buttonSecondary}>
          {pending ? 'Working…' : 'Preview'}
        </button>
        <button type="submit" name="mode" value="run" disabled={pending} className={buttonPrimary}>
          Run now
        </button>
      </div>
      <ActionMessage state={state} />
      {lines ? (
        <ul
          aria-label="Retention outcome"
          className="space-y-1 font-mono text-xs break-words text-slate-700 dark:text-slate-300"
        >
          {lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : null}
    </form>
  );
}
