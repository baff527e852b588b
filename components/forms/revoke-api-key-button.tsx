'use client';

import { useActionState, useState } from 'react';
import { revokeApiKeyAction } from '@/app/(console)/admin/api-keys/actions';
import { buttonDanger, buttonSecondary } from '@/components/ui/styles';
import { ActionMessage } from './action-message';

export function RevokeApiKeyButton({ apiKeyId, name }: { apiKeyId: string; name: string }) {
  const [state, action, pending] = useActionState(revokeApiKeyAction, null);
  const [confirming, setConfirming] = useState(false);
  return (
    <div className="space-y-1">
      {confirming ? (
        <form
          action={action}
          onSubmit={() => setConfirming(false)}
          className="flex flex-wrap items-center gap-2 text-sm"
        >
          <input type="hidden" name="apiKeyId" value={apiKeyId} />
          <span>Revoke “{name}”? Requests with it fail at once.</span>
          <button type="submit" className={buttonDanger}>
            Yes, revoke
          </button>
          <button type="button" className={buttonSecondary} onClick={() => setConfirming(false)}>
            Cancel
          </button>
        </form>
      ) : (
        <button type="button" className={buttonDanger} disabled={pending} onClick={() => setConfirming(true)}>
          Revoke
        </button>
      )}
      <ActionMessage state={state} />
    </div>
  );
}
