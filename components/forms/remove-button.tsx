'use client';

import { useActionState, useState } from 'react';
import type { ActionResult } from '@/lib/actions/action-result';
import { buttonDanger, buttonSecondary } from '@/components/ui/styles';
import { ActionMessage } from './action-message';

/** "Remove", then "Yes, remove" / "Cancel": the confirmation every admin list asks before deleting a row. */
export function RemoveButton({
  action,
  field,
  id,
  label,
}: {
  action: (prev: unknown, form: FormData) => Promise<ActionResult>;
  /** The form field the server action reads the id from. */
  field: string;
  id: string;
  /** What is removed, for the button's accessible name. */
  label: string;
}) {
  const [state, formAction, removing] = useActionState(action, null);
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="space-y-2">
      {confirming ? (
        <form action={formAction} className="flex items-center gap-2">
          <input type="hidden" name={field} value={id} />
          <button type="submit" disabled={removing} className={buttonDanger}>
            Yes, remove
          </button>
          <button type="button" className={buttonSecondary} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button
          type="button"
          className={buttonSecondary}
          onClick={() => setConfirming(true)}
          aria-label={`Remove ${label}`}
        >
          Remove
        </button>
      )}
      <ActionMessage state={state} />
    </div>
  );
}
