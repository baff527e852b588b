import type { InputHTMLAttributes } from 'react';
import { input } from '@/components/ui/styles';

/** A small filter field with its label above, as LabeledSelect (`className` adds to the input's own). */
export function LabeledInput({
  id,
  label,
  className,
  ...field
}: { id: string; label: string } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <div>
      <label htmlFor={id} className="block text-xs font-medium text-slate-600 dark:text-slate-400">
        {label}
      </label>
      <input id={id} {...field} className={className ? `${input} mt-1 ${className}` : `${input} mt-1`} />
    </div>
  );
}
