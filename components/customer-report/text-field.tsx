import clsx from 'clsx';
import type { InputHTMLAttributes, ReactNode } from 'react';

/** Inputs for customers: 16px text (phones do not zoom in), large touch targets, borders that pass contrast. */
export const customerInput =
  'mt-1.5 block w-full rounded-lg border border-slate-500 bg-white px-3 py-3 text-base text-slate-900 placeholder:text-slate-500 dark:border-slate-400 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-400 aria-invalid:border-red-700 aria-invalid:ring-1 aria-invalid:ring-red-700 dark:aria-invalid:border-red-400 dark:aria-invalid:ring-red-400';

export const customerButton =
  'inline-flex min-h-12 w-full items-center justify-center rounded-lg bg-indigo-700 px-5 py-3 text-base font-semibold text-white hover:bg-indigo-600 disabled:opacity-60 sm:w-auto dark:bg-indigo-500 dark:text-white dark:hover:bg-indigo-400';

/** The ids a field's hint and error get, for aria-describedby. */
export function describedBy(id: string, hint: boolean, error: boolean): string | undefined {
  return [hint ? `${id}-hint` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') || undefined;
}

export function FieldError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <p id={`${id}-error`} className="mt-1.5 text-sm font-medium text-red-700 dark:text-red-300">
      <span aria-hidden>⚠ </span>
      {error}
    </p>
  );
}

export function FieldHint({ id, children }: { id: string; children?: ReactNode }) {
  if (!children) return null;
  return (
    <p id={`${id}-hint`} className="mt-1 text-sm text-slate-600 dark:text-slate-300">
      {children}
    </p>
  );
}

interface TextFieldProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'name'> {
  id: string;
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
}

/** A labelled input with its hint and its error next to it. */
export function TextField({ id, name, label, hint, error, className, ...inputProps }: TextFieldProps) {
  return (
    <div className={className}>
      <label htmlFor={id} className="block text-base font-medium">
        {label}
      </label>
      <FieldHint id={id}>{hint}</FieldHint>
      <input
        id={id}
        name={name}
        className={customerInput}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, Boolean(hint), Boolean(error))}
        {...inputProps}
      />
      <FieldError id={id} error={error} />
    </div>
  );
}

export function Section({ title, children, className }: { title: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={clsx('space-y-5', className)}>
      <h2 className="text-lg font-semibold">{title}</h2>
      {children}
    </section>
  );
}
