'use client';

import { useActionState, useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { fileReportAction } from '@/app/report/actions';
import { CategoryChoices, CategoryDetails, SafetyAdvice, detailId } from './category-questions';
import { FormProblems } from './form-problems';
import { ReportFiled } from './report-filed';
import { categoryInputId } from './report-categories';
import { FieldError, FieldHint, Section, TextField, customerButton, customerInput, describedBy } from './text-field';

const noSubscription = () => () => {};
/** True once the page runs in the browser (false while rendered on the server and in a page without JS). */
const useInBrowser = () =>
  useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );

/** A datetime-local value is the customer's local time; the browser knows its offset, the server does not. */
function localToIso(local: string): string {
  const time = new Date(local);
  return local && !Number.isNaN(time.getTime()) ? time.toISOString() : '';
}

const contactPreferences = [
  { value: '', label: 'Any way is fine' },
  { value: 'email', label: 'By email' },
  { value: 'phone', label: 'By phone' },
  { value: 'none', label: 'Please don’t contact me, I will check the status page' },
];

/**
 * The customer's report form. It is a plain server-action form (it works before JavaScript loads); the
 * browser adds the local-time conversion and moves focus to the result.
 */
export function ReportForm({ otpId }: { otpId?: string }) {
  const [state, action, pending] = useActionState(fileReportAction, null);
  const inBrowser = useInBrowser();
  const failed = state && !state.ok ? state : null;
  const values = failed?.values ?? {};
  const errors = failed?.fieldErrors ?? {};
  const chosen = values.category ?? (otpId ? 'unrequested_code' : undefined);
  const [occurredLocal, setOccurredLocal] = useState(values.occurredAt ?? '');
  const problems = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (failed) problems.current?.focus();
  }, [failed]);

  if (state?.ok) return <ReportFiled reference={state.data.reference} />;

  const fieldIds: Record<string, string> = {
    category: categoryInputId('unrequested_code'),
    ...Object.fromEntries(
      Object.keys(errors)
        .filter((k) => k.startsWith('details.'))
        .map((k) => [k, detailId(chosen ?? '', k.slice('details.'.length))]),
    ),
  };

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-2xl font-semibold tracking-tight">Tell us what happened</h1>
        <p className="mt-2 text-base text-slate-700 dark:text-slate-300">
          It takes about two minutes and you do not need to sign in. Our security team reads every report.
        </p>
        {otpId ? (
          <p className="mt-3 rounded-lg bg-indigo-50 p-3 text-base text-indigo-950 dark:bg-indigo-950 dark:text-indigo-50">
            You followed the “Didn’t ask for this code?” link. Thank you for checking. Do not share that code with
            anyone.
          </p>
        ) : null}
      </div>

      {failed ? <FormProblems ref={problems} message={failed.error} errors={errors} fieldIds={fieldIds} /> : null}

      <form action={action} noValidate className="group/report space-y-8">
        <CategoryChoices checked={chosen} error={errors.category} />
        <SafetyAdvice />
        <p className="text-base text-slate-700 group-has-[.category-radio:checked]/report:hidden dark:text-slate-300">
          Choose an answer above to continue.
        </p>

        <div className="hidden space-y-10 group-has-[.category-radio:checked]/report:block">
          <Section title="2. Your account">
            <p className="-mt-3 text-sm text-slate-600 dark:text-slate-300">
              The email address or the phone number on your account, so we can find it. At least one of them.
            </p>
            <TextField
              id="email"
              name="email"
              label="Email address"
              type="email"
              autoComplete="email"
              inputMode="email"
              maxLength={320}
              defaultValue={values.email}
              error={errors.email}
            />
            <TextField
              id="phone"
              name="phone"
              label="Phone number"
              hint="With the country code, like +44 7700 900123"
              type="tel"
              autoComplete="tel"
              maxLength={40}
              defaultValue={values.phone}
              error={errors.phone}
            />
          </Section>

          <Section title="3. Tell us more">
            <div>
              <label htmlFor="description" className="block text-base font-medium">
                What did you see or hear?
              </label>
              <FieldHint id="description">In your own words. Please do not write down any code or password.</FieldHint>
              <textarea
                id="description"
                name="description"
                rows={5}
                maxLength={5000}
                defaultValue={values.description}
                aria-invalid={errors.description ? true : undefined}
                aria-describedby={describedBy('description', true, Boolean(errors.description))}
                className={customerInput}
              />
              <FieldError id="description" error={errors.description} />
            </div>
            <CategoryDetails values={values} errors={errors} chosen={chosen} />
            <div>
              <TextField
                id="occurredAt"
                name="occurredAt"
                label="When did it happen? (optional)"
                hint="In your local time. Leave it empty if you are not sure."
                type="datetime-local"
                defaultValue={values.occurredAt}
                onChange={(event) => setOccurredLocal(event.currentTarget.value)}
                error={errors.occurredAt}
              />
              {/* Empty without JavaScript: the server then takes the time above as UTC. */}
              <input type="hidden" name="occurredAtIso" value={inBrowser ? localToIso(occurredLocal) : ''} />
            </div>
          </Section>

          <fieldset aria-describedby={errors.contactPreference ? 'contactPreference-error' : undefined}>
            <legend className="text-lg font-semibold">4. How should we contact you? (optional)</legend>
            <FieldError id="contactPreference" error={errors.contactPreference} />
            <div className="mt-3 space-y-2">
              {contactPreferences.map((option) => (
                <label
                  key={option.value}
                  className="flex min-h-12 cursor-pointer items-center gap-3 rounded-lg border border-slate-300 bg-white px-4 py-2.5 has-checked:border-indigo-700 has-checked:bg-indigo-50 dark:border-slate-600 dark:bg-slate-900 dark:has-checked:border-indigo-300 dark:has-checked:bg-indigo-950"
                >
                  <input
                    type="radio"
                    name="contactPreference"
                    value={option.value}
                    defaultChecked={(values.contactPreference ?? '') === option.value}
                    className="size-5 shrink-0 accent-indigo-700 dark:accent-indigo-300"
                  />
                  <span className="text-base">{option.label}</span>
                </label>
              ))}
            </div>
          </fieldset>

          {otpId ? <input type="hidden" name="otpId" value={otpId} /> : null}
          {/* The honeypot: people never see or reach it; a bot that fills it gets a normal-looking answer. */}
          <div aria-hidden className="sr-only">
            <label htmlFor="website">Leave this empty</label>
            <input id="website" name="website" type="text" tabIndex={-1} autoComplete="off" defaultValue="" />
          </div>

          <div className="space-y-3">
            <button type="submit" disabled={pending} className={customerButton}>
              {pending ? 'Sending your report…' : 'Send report'}
            </button>
            <p className="text-sm text-slate-600 dark:text-slate-300">
              You will get a reference to follow your report.
            </p>
          </div>
        </div>
      </form>
    </div>
  );
}
