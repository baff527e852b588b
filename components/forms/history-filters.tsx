import Link from 'next/link';
import { buttonPrimary, input } from '@/components/ui/styles';
import { LabeledSelect } from './labeled-select';

export interface FilterSelect {
  name: string;
  label: string;
  options: { value: string; label: string }[];
}

/** A plain GET form: filters live in the URL, so a filtered history can be shared and reloaded. */
export function HistoryFilters({
  action,
  tab,
  selects,
  values,
  ignored,
}: {
  action: string;
  tab: string;
  selects: FilterSelect[];
  values: Record<string, string | undefined>;
  ignored: string[];
}) {
  return (
    <form action={action} className="mb-3 flex flex-wrap items-end gap-3" aria-label="Filters">
      <input type="hidden" name="tab" value={tab} />
      {selects.map((s) => (
        <LabeledSelect
          key={s.name}
          id={`f-${s.name}`}
          name={s.name}
          label={s.label}
          options={s.options}
          value={values[s.name]}
        />
      ))}
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
      <button type="submit" className={buttonPrimary}>
        Apply
      </button>
      <Link href={`${action}?tab=${tab}`} className="py-1.5 text-sm text-slate-600 hover:underline dark:text-slate-400">
        Clear
      </Link>
      {ignored.length > 0 ? (
        <p role="status" className="basis-full text-sm text-amber-800 dark:text-amber-300">
          Ignored invalid filter{ignored.length > 1 ? 's' : ''}: {ignored.join(', ')}.
        </p>
      ) : null}
    </form>
  );
}
