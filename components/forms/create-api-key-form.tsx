'use client';

import { useActionState } from 'react';
import { createApiKeyAction } from '@/app/(console)/admin/api-keys/actions';
import { buttonPrimary, input } from '@/components/ui/styles';
import { ActionMessage } from './action-message';

const scopeHelp: Record<string, string> = {
  'events:write': 'post login and OTP events',
  'metrics:read': 'read OTP and login metrics',
  'alerts:read': 'read alerts',
  'accounts:read': 'read an account’s security state',
  'reports:write': 'file fraud reports from the platform’s apps',
  'stream:events': 'follow every stored event and erasure (SIEM, data tools)',
  'stream:alerts': 'follow alerts, their changes and erasures',
  'stream:audit': 'follow the audit log',
  'accounts:export': 'export everything held about a customer (data requests)',
  'accounts:erase': 'erase a customer’s personal data',
};

export function CreateApiKeyForm({ scopes }: { scopes: readonly string[] }) {
  const [state, action, pending] = useActionState(createApiKeyAction, null);
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  return (
    <form action={action} className="space-y-3">
      <div className="max-w-md">
        <label htmlFor="key-name" className="block text-sm font-medium">
          Name
        </label>
        <input
          id="key-name"
          name="name"
          required
          placeholder="e.g. login service (production)"
          className={`${input} mt-1 w-full`}
          aria-invalid={Boolean(errors?.name)}
        />
        {errors?.name ? <p className="mt-1 text-xs text-red-700 dark:text-red-300">{errors.name[0]}</p> : null}
      </div>
      <fieldset>
        <legend className="text-sm font-medium">Scopes</legend>
        <div className="mt-1 grid gap-1 sm:grid-cols-2">
          {scopes.map((scope) => (
            <label key={scope} className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="scopes" value={scope} defaultChecked={scope === 'events:write'} />
              <code className="font-mono text-xs">{scope}</code>
              <span className="text-slate-600 dark:text-slate-400">{scopeHelp[scope]}</span>
            </label>
          ))}
        </div>
        {errors?.scopes ? <p className="mt-1 text-xs text-red-700 dark:text-red-300">{errors.scopes[0]}</p> : null}
      </fieldset>
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? 'Creating…' : 'Create API key'}
      </button>
      <ActionMessage state={state} secretLabel="API key" />
    </form>
  );
}
