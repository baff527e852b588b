import type { Ref } from 'react';

/**
 * The list of what to fix, at the top of the form, focused when it appears (so a phone scrolls to it);
 * each entry links to its field, where the same message stands next to it.
 */
export function FormProblems({
  ref,
  message,
  errors,
  fieldIds = {},
}: {
  ref?: Ref<HTMLDivElement>;
  message: string;
  errors: Record<string, string>;
  fieldIds?: Record<string, string>;
}) {
  const entries = Object.entries(errors);
  // The first sentence says what is wrong; the rest, what to do about it.
  const [title, ...rest] = message.split(/(?<=\.)\s+/);
  return (
    <div
      ref={ref}
      tabIndex={-1}
      role="alert"
      className="rounded-xl border-2 border-red-700 bg-red-50 p-4 text-red-950 dark:border-red-400 dark:bg-red-950 dark:text-red-50"
    >
      <h2 className="text-base font-semibold">{title}</h2>
      {rest.length > 0 ? <p className="mt-1 text-base">{rest.join(' ')}</p> : null}
      {entries.length > 0 ? (
        <ul className="mt-2 list-disc space-y-1 pl-5 text-base">
          {entries.map(([field, error]) => (
            <li key={field}>
              <a href={`#${fieldIds[field] ?? field}`} className="underline underline-offset-2">
                {error}
              </a>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
