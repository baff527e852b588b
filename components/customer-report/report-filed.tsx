'use client';

import Link from 'next/link';
import { useEffect, useRef } from 'react';

/** What the customer sees once the report is in: the reference, what happens next, where to follow it. */
export function ReportFiled({ reference }: { reference: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="space-y-8">
      <div>
        <h1 ref={heading} tabIndex={-1} className="text-2xl font-semibold tracking-tight">
          Thank you. We have your report.
        </h1>
        <p className="mt-2 text-base text-slate-700 dark:text-slate-300">You did the right thing by telling us.</p>
      </div>

      <div className="rounded-xl border-2 border-indigo-200 bg-white p-5 text-center dark:border-indigo-900 dark:bg-slate-900">
        <p className="text-sm font-medium text-slate-700 dark:text-slate-300">Your reference</p>
        <p
          data-testid="report-reference"
          className="mt-1 font-mono text-3xl font-bold tracking-widest text-indigo-800 select-all dark:text-indigo-200"
        >
          {reference}
        </p>
        <p className="mt-3 text-sm text-slate-700 dark:text-slate-300">
          Write it down or take a screenshot. With it and the email or phone number you gave, you can check on your
          report at any time.
        </p>
      </div>

      <section className="space-y-3">
        <h2 className="text-lg font-semibold">What happens next</h2>
        <ol className="list-decimal space-y-2 pl-5 text-base">
          <li>
            Someone from our security team reads your report. Reports about codes and access to accounts are looked at
            first.
          </li>
          <li>If we need to know more, we will contact you, or leave you a message on the status page.</li>
          <li>We will never ask you for a code or your password. Anyone who does is not us.</li>
        </ol>
      </section>

      <Link
        href="/report/status"
        className="inline-flex min-h-12 w-full items-center justify-center rounded-lg bg-indigo-700 px-5 py-3 text-base font-semibold text-white hover:bg-indigo-600 sm:w-auto dark:bg-indigo-500 dark:hover:bg-indigo-400"
      >
        Check the status of your report
      </Link>
    </div>
  );
}
