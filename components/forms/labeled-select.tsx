import { input } from '@/components/ui/styles';

/** A small filter select with its label above and an "All" choice first (`emptyLabel` names it where the empty choice means less than all). */
export function LabeledSelect({
  id,
  name,
  label,
  options,
  value,
  emptyLabel = 'All',
}: {
  id: string;
  name: string;
  label: string;
  options: { value: string; label: string }[];
  value?: string;
  emptyLabel?: string;
}) {
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-600 dark:text-slate-400">
        {label}
      </label>
      <select id={id} name={name} defaultValue={value ?? ''} className={`${input} mt-1`}>
        <option value="">{emptyLabel}</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
