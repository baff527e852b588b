'use client';

import { useActionState } from 'react';
import { fileReportAction } from '@/app/report/actions';
import { ReportFiled } from './report-filed';

/**
 * The page a "not me" link opens: one tap reports it, with the account and the events of the message already
 * attached (nothing about them is shown: the link itself reveals nothing). A few words are welcome, not needed.
 */
export function NotMeForm({ link, category }: { link: string; category: string }) {
  const [state, action, pending] = useActionState(fileReportAction, null);
  if (state?.ok) return <ReportFiled reference={state.data.reference} />;
  const failed = state && !state.ok ? state : null;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Wasn&apos;t you?</h1>
        <p className="mt-2 text-base text-slate-700 dark:text-slate-300">
          Tell us with one tap. We already know which account and which activity the message was about, so there is
          nothing to fill in. Our security team looks at these first.
        </p>
      </div>
      {failed ? (
        <div role="alert" className="rounded-lg bg-red-50 p-3 text-base text-red-900 dark:bg-red-950 dark:text-red-100">
          {failed.error}
        </div>
      ) : null}
      <form action={action} className="space-y-5">
        <input type="hidden" name="link" value={link} />
        <input type="hidden" name="category" value={category} />
        <div>
          <label htmlFor="notme-description" className="block text-base font-medium">
            Anything to add? <span className="font-normal text-slate-600 dark:text-slate-300">(optional)</span>
          </label>
          <textarea
            id="notme-description"
            name="description"
            rows={3}
            maxLength={5000}
            defaultValue={failed?.values.description ?? ''}
            className="mt-2 block w-full rounded-lg border border-slate-300 bg-white px-3 py-2 text-base dark:border-slate-700 dark:bg-slate-950"
          />
        </div>
        <button
          type="submit"
          disabled={pending}
          className="w-full rounded-xl bg-red-700 px-5 py-4 text-lg font-semibold text-white hover:bg-red-800 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-red-700 disabled:opacity-60"
        >
          {pending ? 'Sending…' : 'This wasn’t me — report it'}
        </button>
      </form>
    </div>
  );
}
