import { FilterActions } from '@/components/ui/filter-actions';
import { input } from '@/components/ui/styles';

/**
 * The timeline's filters as a plain GET form: kinds (checkboxes, repeated `kind`) and UTC days live in the URL,
 * so a filtered timeline can be shared and reloaded. No kind ticked means every kind.
 */
export function TimelineFilters({
  action,
  kinds,
  values,
  ignored,
}: {
  action: string;
  kinds: { value: string; label: string }[];
  values: { kind?: readonly string[]; from?: string; to?: string };
  ignored: string[];
}) {
  return (
    <form action={action} className="mb-3 flex flex-wrap items-end gap-x-4 gap-y-3" aria-label="Timeline filters">
      <fieldset className="min-w-0">
        <legend className="text-xs font-medium text-slate-600 dark:text-slate-400">Show (none ticked: all)</legend>
        <div className="mt-1 flex flex-wrap gap-x-3 gap-y-1">
          {kinds.map((k) => (
            <label key={k.value} className="inline-flex items-center gap-1.5 py-0.5 text-sm">
              <input
                type="checkbox"
                name="kind"
                value={k.value}
                defaultChecked={values.kind?.includes(k.value) ?? false}
                className="size-4"
              />
              {k.label}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex flex-wrap items-end gap-3">
        <div>
          <label htmlFor="f-from" className="block text-xs font-medium text-slate-600 dark:text-slate-400">
            From (UTC)
          </label>
          <input id="f-from" name="from" type="date" defaultValue={values.from ?? ''} className={`${input} mt-1`} />
        </div>
        <div>
          <label htmlFor="f-to" className="block text-xs font-medium text-slate-600 dark:text-slate-400">
            To (UTC, inclusive)
          </label>
          <input id="f-to" name="to" type="date" defaultValue={values.to ?? ''} className={`${input} mt-1`} />
        </div>
        <FilterActions label="Apply" clearHref={action} filtered />
      </div>
      {ignored.length > 0 ? (
        <p role="status" className="basis-full text-sm text-amber-800 dark:text-amber-300">
          Ignored invalid filter{ignored.length > 1 ? 's' : ''}: {ignored.join(', ')}.
        </p>
      ) : null}
    </form>
  );
}
