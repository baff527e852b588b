import clsx from 'clsx';
import { categoryChoices, categoryInputId, detailInputName } from './report-categories';
import { FieldError, TextField } from './text-field';

/** Step 1: six large choices in the customer's words. */
export function CategoryChoices({ checked, error }: { checked?: string; error?: string }) {
  return (
    <fieldset aria-describedby={error ? 'category-error' : 'category-hint'}>
      <legend className="text-lg font-semibold">1. What happened?</legend>
      <p id="category-hint" className="mt-1 text-sm text-slate-600 dark:text-slate-300">
        Choose the one closest to what happened to you.
      </p>
      <FieldError id="category" error={error} />
      <div className="mt-3 space-y-3">
        {categoryChoices.map((choice) => (
          <label
            key={choice.value}
            htmlFor={categoryInputId(choice.value)}
            className="flex min-h-14 cursor-pointer items-start gap-3 rounded-xl border-2 border-slate-300 bg-white p-4 hover:border-indigo-400 has-checked:border-indigo-700 has-checked:bg-indigo-50 dark:border-slate-600 dark:bg-slate-900 dark:hover:border-indigo-400 dark:has-checked:border-indigo-300 dark:has-checked:bg-indigo-950"
          >
            <input
              type="radio"
              id={categoryInputId(choice.value)}
              name="category"
              value={choice.value}
              defaultChecked={checked === choice.value}
              className="category-radio mt-0.5 size-5 shrink-0 accent-indigo-700 dark:accent-indigo-300"
            />
            <span className="text-base leading-snug">{choice.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** The safety advice of the chosen category, shown as soon as it is ticked (CSS only, see revealClass). */
export function SafetyAdvice() {
  return (
    <>
      {categoryChoices.map((choice) => (
        <div
          key={choice.value}
          data-testid={`advice-${choice.value}`}
          className={clsx(
            'hidden rounded-xl border border-amber-300 bg-amber-50 p-4 text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-50',
            choice.revealClass,
          )}
        >
          <h2 className="text-base font-semibold">Keep yourself safe</h2>
          <ul className="mt-2 list-disc space-y-1.5 pl-5 text-base">
            {choice.advice.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </div>
      ))}
    </>
  );
}

/** The questions only some categories ask (who called, what the message said, which order). */
export function CategoryDetails({
  values,
  errors,
  chosen,
}: {
  values: Record<string, string>;
  errors: Record<string, string>;
  chosen?: string;
}) {
  return (
    <>
      {categoryChoices
        .filter((choice) => choice.details.length > 0)
        .map((choice) => (
          <div key={choice.value} className={clsx('hidden space-y-5', choice.revealClass)}>
            {choice.details.map((question) => {
              const name = detailInputName(choice.value, question.field);
              return (
                <TextField
                  key={question.field}
                  id={detailId(choice.value, question.field)}
                  name={name}
                  label={question.label}
                  hint={question.hint}
                  type={question.type}
                  inputMode={question.inputMode}
                  maxLength={question.maxLength}
                  autoComplete="off"
                  defaultValue={values[name]}
                  // The server names a detail without its category; only the chosen category's are sent.
                  error={chosen === choice.value ? errors[`details.${question.field}`] : undefined}
                />
              );
            })}
          </div>
        ))}
    </>
  );
}

export const detailId = (category: string, field: string) => `detail-${category}-${field}`;
