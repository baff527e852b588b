import type { ActionResult } from '@/lib/actions/action-result';

/** The outcome of a server action, announced to screen readers. */
/** A secret in `data.secret` (a generated password, an API key) is shown once, ready to copy. */
export function ActionMessage({
  state,
  secretLabel = 'Password',
}: {
  state: ActionResult<{ secret?: string }> | null;
  secretLabel?: string;
}) {
  if (!state) return null;
  if (!state.ok) {
    return (
      <p role="alert" className="text-sm text-red-700 dark:text-red-300">
        {state.error}
      </p>
    );
  }
  return (
    <div role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
      <p>{state.message}</p>
      {state.data?.secret ? (
        <p className="mt-1">
          {secretLabel} (copy it now, it will not be shown again):{' '}
          <code
            data-testid="one-time-secret"
            className="rounded bg-slate-100 px-1.5 py-0.5 font-mono text-slate-900 select-all dark:bg-slate-800 dark:text-slate-100"
          >
            {state.data.secret}
          </code>
        </p>
      ) : null}
    </div>
  );
}
