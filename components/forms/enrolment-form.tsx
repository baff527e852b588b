'use client';

import { signIn } from 'next-auth/react';
import { useActionState } from 'react';
import { completeEnrolmentAction } from '@/app/enrol/[token]/actions';

const field =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-950';

/** Sets the password through the link, then signs in with it, which leads on to the second-factor enrolment. */
export function EnrolmentForm({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState(async (previous: unknown, form: FormData) => {
    const result = await completeEnrolmentAction(previous, form);
    if (result.ok) {
      const password = form.get('password');
      const signedIn = await signIn('credentials', { email, password, redirect: false });
      // A full load, so the server reads the new session cookie.
      window.location.assign(signedIn?.ok ? '/login/second-factor' : '/login');
    }
    return result;
  }, null);
  const problem = (name: string) => (state && !state.ok ? state.fieldErrors?.[name]?.[0] : undefined);
  return (
    <form
      action={action}
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900"
    >
      <input type="hidden" name="token" value={token} />
      <input type="hidden" name="email" value={email} autoComplete="username" />
      <div>
        <label htmlFor="password" className="block text-sm font-medium">
          New password (at least 12 characters)
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          minLength={12}
          className={field}
        />
        {problem('password') ? <p className="mt-1 text-xs text-red-700">{problem('password')}</p> : null}
      </div>
      <div>
        <label htmlFor="confirm" className="block text-sm font-medium">
          The same password again
        </label>
        <input id="confirm" name="confirm" type="password" autoComplete="new-password" required className={field} />
        {problem('confirm') ? <p className="mt-1 text-xs text-red-700">{problem('confirm')}</p> : null}
      </div>
      {state && !state.ok ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {state.error}
        </p>
      ) : null}
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {pending ? 'Saving…' : 'Set password and continue'}
      </button>
    </form>
  );
}
