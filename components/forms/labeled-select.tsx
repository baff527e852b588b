import { input } from '@/components/ui/styles';

/** A small filter select with its label above and an "All" choice first. */
export function LabeledSelect({ id, name, label, options, value }: { id: string; name: string; label: string; options: { value: string; label: string }[]; value?: string }) {
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-600 dark:text-slate-400">
        {label}
      </label>
      <select id={id} name={name} defaultValue={value ?? ''} className={`${input} mt-1`}>
        <option value="">All</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}
