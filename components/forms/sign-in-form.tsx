'use client';

import { signIn } from 'next-auth/react';
import { useState, type FormEvent } from 'react';

export function SignInForm({ callbackPath }: { callbackPath: string }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' ? value : '';
    };
    setPending(true);
    setError(null);
    try {
      const result = await signIn('credentials', {
        email: text('email'),
        password: text('password'),
        redirect: false,
      });
      if (result?.ok && !result.error) {
        // The password is only the first step: the second factor (or its enrolment) comes next. A full load, so
        // the server reads the fresh session cookie.
        // eslint-disable-next-line @next/next/no-location-assign-relative-destination -- a full load is the point
        window.location.assign(`/login/second-factor?callbackUrl=${encodeURIComponent(callbackPath)}`);
        return;
      }
      // One message for every failure: wrong password, unknown e-mail, locked or disabled.
      setError('Invalid email or password. After 5 failed attempts, sign-in is locked for 15 minutes.');
    } catch {
      setError('Vigil could not be reached. Check your connection and try again.');
    }
    setPending(false);
  }

  return (
    <form
      onSubmit={onSubmit}
      className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900"
      noValidate
    >
      {error ? (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
        >
          {error}
        </p>
      ) : null}
      <div>
        <label htmlFor="email" className="block text-sm font-medium">
          Email
        </label>
        <input
          id="email"
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-950"
        />
      </div>
      <div>
        <label htmlFor="password" className="block text-sm font-medium">
          Password
        </label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className="mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-950"
        />
      </div>
      <button
        type="submit"
        disabled={pending}
        className="w-full rounded-md bg-indigo-600 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-500 disabled:opacity-60"
      >
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
