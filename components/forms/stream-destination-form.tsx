'use client';

import { useActionState } from 'react';
import { addDestinationAction, removeDestinationAction } from '@/app/(console)/admin/streams/actions';
import { buttonPrimary, input } from '@/components/ui/styles';
import { ActionMessage } from './action-message';
import { RemoveButton } from './remove-button';

/** A new push destination: which stream, where, and the Authorization header it wants. Nothing typed is lost on a refusal. */
export function AddDestinationForm() {
  const [state, action, pending] = useActionState(addDestinationAction, null);
  const values = state && !state.ok ? state.values : undefined;
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-[10rem_1fr]">
        <div>
          <label htmlFor="dest-stream" className="block text-sm font-medium">
            Stream
          </label>
          <select
            id="dest-stream"
            name="stream"
            defaultValue={values?.stream ?? 'events'}
            className={`${input} mt-1 w-full`}
          >
            <option value="events">Events</option>
            <option value="alerts">Alerts</option>
            <option value="audit">Audit log</option>
          </select>
        </div>
        <div>
          <label htmlFor="dest-url" className="block text-sm font-medium">
            Endpoint URL (receives NDJSON)
          </label>
          <input
            id="dest-url"
            name="url"
            required
            defaultValue={values?.url ?? ''}
            key={`url-${values?.url ?? ''}`}
            placeholder="https://splunk.example.com:8088/services/collector/raw"
            className={`${input} mt-1 w-full font-mono`}
            aria-invalid={Boolean(errors?.url)}
            aria-describedby={errors?.url ? 'dest-url-error' : undefined}
          />
          {errors?.url ? (
            <p id="dest-url-error" className="mt-1 text-xs text-red-700 dark:text-red-300">
              {errors.url[0]}
            </p>
          ) : null}
        </div>
      </div>
      <div>
        <label htmlFor="dest-auth" className="block text-sm font-medium">
          Authorization header (optional; stored, never shown again)
        </label>
        <input
          id="dest-auth"
          name="authorization"
          type="password"
          autoComplete="off"
          placeholder="Splunk <HEC token>  ·  Bearer <token>"
          className={`${input} mt-1 w-full font-mono`}
        />
      </div>
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? 'Adding…' : 'Add destination'}
      </button>
      <ActionMessage state={state} />
    </form>
  );
}

/** "Remove" for one destination, with a confirmation. */
export function RemoveDestinationButton({ destinationId, label }: { destinationId: string; label: string }) {
  return <RemoveButton action={removeDestinationAction} field="destinationId" id={destinationId} label={label} />;
}
