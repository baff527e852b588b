'use client';

import { useActionState, useState } from 'react';
import { alertFormAction } from '@/app/(console)/alerts/actions';
import { ActionMessage } from '@/components/forms/action-message';
import { buttonDanger, buttonPrimary, buttonSecondary, input } from '@/components/ui/styles';
import type { AlertStatus } from '@/lib/alerts/alert-reads';

/** The triage buttons of one alert. Resolving or dismissing asks for the reason first. */
export function AlertActions({
  alertId,
  version,
  status,
  assignedToMe,
  assigned,
}: {
  alertId: string;
  version: number;
  status: AlertStatus;
  assignedToMe: boolean;
  assigned: boolean;
}) {
  const [state, action, pending] = useActionState(alertFormAction, null);
  const [closing, setClosing] = useState<'resolve' | 'dismiss' | null>(null);
  const closed = status === 'resolved' || status === 'dismissed';
  const hidden = (intent: string) => (
    <>
      <input type="hidden" name="alertId" value={alertId} />
      <input type="hidden" name="version" value={version} />
      <input type="hidden" name="intent" value={intent} />
    </>
  );
  if (closed) {
    return (
      <div className="space-y-2">
        <ActionMessage state={state} />
        <p className="text-sm text-slate-600 dark:text-slate-400">
          This alert is {status}; that is final. A new hit on the same subject opens a new alert.
        </p>
      </div>
    );
  }
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        <form action={action}>
          {hidden(assignedToMe ? 'unassign' : 'assign-me')}
          <button type="submit" className={buttonSecondary} disabled={pending}>
            {assignedToMe ? 'Unassign me' : assigned ? 'Take over' : 'Assign to me'}
          </button>
        </form>
        {status === 'open' ? (
          <form action={action}>
            {hidden('acknowledge')}
            <button type="submit" className={buttonSecondary} disabled={pending}>
              Acknowledge
            </button>
          </form>
        ) : null}
        <button type="button" className={buttonPrimary} disabled={pending} onClick={() => setClosing('resolve')}>
          Resolve…
        </button>
        <button type="button" className={buttonDanger} disabled={pending} onClick={() => setClosing('dismiss')}>
          Dismiss…
        </button>
      </div>
      {closing ? (
        <form
          action={action}
          onSubmit={() => setClosing(null)}
          className="space-y-2 rounded-md border border-slate-200 p-3 dark:border-slate-700"
          aria-label={closing === 'resolve' ? 'Resolve alert' : 'Dismiss alert'}
        >
          {hidden(closing)}
          <label htmlFor="close-reason" className="block text-sm font-medium">
            {closing === 'resolve' ? 'What was done (required)' : 'Why this is not a threat (required)'}
          </label>
          <textarea
            id="close-reason"
            name="reason"
            required
            maxLength={1000}
            rows={2}
            className={`${input} w-full`}
            placeholder={
              closing === 'resolve'
                ? 'e.g. customer confirmed; password reset forced'
                : 'e.g. customer was travelling; confirmed by phone'
            }
          />
          <div className="flex gap-2">
            <button type="submit" className={closing === 'resolve' ? buttonPrimary : buttonDanger} disabled={pending}>
              {closing === 'resolve' ? 'Resolve alert' : 'Dismiss alert'}
            </button>
            <button type="button" className={buttonSecondary} onClick={() => setClosing(null)}>
              Cancel
            </button>
          </div>
        </form>
      ) : null}
      <ActionMessage state={state} />
    </div>
  );
}
