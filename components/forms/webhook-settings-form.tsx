'use client';

import { useActionState, useState } from 'react';
import { rotateWebhookSecretAction, saveWebhookSettingsAction } from '@/app/(console)/admin/webhooks/actions';
import { buttonDanger, buttonPrimary, buttonSecondary, input } from '@/components/ui/styles';
import { ActionMessage } from './action-message';

/** The endpoint and the on/off switch; the first save also generates the signing secret, shown once. */
export function WebhookSettingsForm({ url, enabled }: { url: string; enabled: boolean }) {
  const [state, action, pending] = useActionState(saveWebhookSettingsAction, null);
  // Controlled, so a refused URL stays in the box to be corrected.
  const [draftUrl, setDraftUrl] = useState(url);
  const [draftEnabled, setDraftEnabled] = useState(enabled);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-3">
      <div className="max-w-xl">
        <label htmlFor="webhook-url" className="block text-sm font-medium">
          Endpoint URL
        </label>
        <input
          id="webhook-url"
          name="url"
          type="url"
          required
          value={draftUrl}
          onChange={(e) => setDraftUrl(e.target.value)}
          placeholder="https://platform.example.com/hooks/vigil"
          className={`${input} mt-1 w-full font-mono`}
          aria-invalid={Boolean(errors?.url)}
          aria-describedby={errors?.url ? 'webhook-url-error' : undefined}
        />
        {errors?.url ? (
          <p id="webhook-url-error" className="mt-1 text-xs text-red-700 dark:text-red-300">
            {errors.url[0]}
          </p>
        ) : null}
      </div>
      <label className="flex items-center gap-2 text-sm">
        <input
          type="checkbox"
          name="enabled"
          checked={draftEnabled}
          onChange={(e) => setDraftEnabled(e.target.checked)}
        />
        Send <code className="font-mono text-xs">account.security_changed</code> events to this URL
      </label>
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? 'Saving…' : 'Save webhook'}
      </button>
      <ActionMessage state={state} secretLabel="Signing secret" />
    </form>
  );
}

/** A new signing secret, after a confirmation: the receiver must be updated at once. */
export function RotateWebhookSecretButton() {
  const [state, action, pending] = useActionState(rotateWebhookSecretAction, null);
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="space-y-1">
      {confirming ? (
        <form
          action={action}
          onSubmit={() => setConfirming(false)}
          className="flex flex-wrap items-center gap-2 text-sm"
        >
          <span>Generate a new secret? The receiver rejects deliveries until it has the new one.</span>
          <button type="submit" className={buttonDanger}>
            Yes, generate
          </button>
          <button type="button" className={buttonSecondary} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" className={buttonSecondary} disabled={pending} onClick={() => setConfirming(true)}>
          {pending ? 'Generating…' : 'Generate a new secret'}
        </button>
      )}
      <ActionMessage state={state} secretLabel="Signing secret" />
    </div>
  );
}
