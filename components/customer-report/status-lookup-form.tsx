'use client';

import Link from 'next/link';
import { useActionState, useEffect, useRef } from 'react';
import { reportStatusAction } from '@/app/report/actions';
import { FormProblems } from './form-problems';
import { ReportStatusCard } from './report-status-card';
import { TextField, customerButton } from './text-field';

/** Reference + contact, POSTed through a server action: neither ever appears in a URL. */
export function StatusLookupForm() {
  const [state, action, pending] = useActionState(reportStatusAction, null);
  const failed = state && !state.ok ? state : null;
  const values = failed?.values ?? {};
  const errors = failed?.fieldErrors ?? {};
  const outcome = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (state) outcome.current?.focus();
  }, [state]);

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Check on your report</h1>
        <p className="mt-2 text-base text-slate-700 dark:text-slate-300">
          Enter the reference we gave you and the email address or phone number you used when you reported.
        </p>
      </div>

      {failed ? <FormProblems ref={outcome} message={failed.error} errors={errors} /> : null}
      {state?.ok ? <ReportStatusCard ref={outcome} report={state.data} /> : null}

      <form action={action} noValidate className="space-y-5">
        {state?.ok ? <h2 className="text-lg font-semibold">Look up another report</h2> : null}
        <TextField
          id="reference"
          name="reference"
          label="Reference"
          hint="It starts with VR-, like VR-7K2M9Q"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={20}
          defaultValue={values.reference}
          error={errors.reference}
          className="[&_input]:font-mono [&_input]:tracking-wider"
        />
        <TextField
          id="contact"
          name="contact"
          label="Email address or phone number"
          autoComplete="email"
          maxLength={320}
          defaultValue={values.contact}
          error={errors.contact}
        />
        <button type="submit" disabled={pending} className={customerButton}>
          {pending ? 'Looking…' : 'Show the status'}
        </button>
      </form>

      <p className="text-base text-slate-700 dark:text-slate-300">
        Something else happened?{' '}
        <Link href="/report" className="font-medium text-indigo-700 underline underline-offset-2 dark:text-indigo-300">
          Tell us about it
        </Link>
        .
      </p>
    </div>
  );
}
