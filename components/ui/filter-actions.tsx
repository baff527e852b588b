import Link from 'next/link';
import { buttonPrimary } from '@/components/ui/styles';

/** The end of every filter form on a list page: submit, and a way back to the unfiltered list while filtered. */
export function FilterActions({
  label = 'Apply filters',
  clearHref,
  filtered,
}: {
  label?: string;
  clearHref: string;
  filtered: boolean;
}) {
  return (
    <>
      <button type="submit" className={buttonPrimary}>
        {label}
      </button>
      {filtered ? (
        <Link href={clearHref} className="py-1.5 text-sm text-slate-600 underline dark:text-slate-400">
          Clear
        </Link>
      ) : null}
    </>
  );
}
