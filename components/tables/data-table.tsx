import Link from 'next/link';
import type { ReactNode } from 'react';
import { mono, tableClass, th } from '@/components/ui/styles';

/**
 * The one table frame of the console: compact, labelled for screen readers, scrolling sideways on small
 * screens. `framed` draws its own border (a table on a page); unframed sits inside a Card. `stacked`: below
 * the md breakpoint the header hides and the rows (styled by the caller) stack their cells, for a table too
 * wide to scroll usefully on a phone.
 */
export function DataTable({
  label,
  columns,
  framed = true,
  stacked = false,
  children,
}: {
  label: string;
  columns: string[];
  framed?: boolean;
  stacked?: boolean;
  children: ReactNode;
}) {
  return (
    <div
      className={
        framed
          ? 'overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900'
          : 'overflow-x-auto'
      }
    >
      <table className={stacked ? `${tableClass} block md:table` : tableClass} aria-label={label}>
        <thead
          className={
            stacked
              ? 'hidden border-b border-slate-200 md:table-header-group dark:border-slate-800'
              : 'border-b border-slate-200 dark:border-slate-800'
          }
        >
          <tr>
            {columns.map((c) => (
              <th key={c} className={th}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody
          className={
            stacked
              ? 'block divide-y divide-slate-100 md:table-row-group dark:divide-slate-800'
              : 'divide-y divide-slate-100 dark:divide-slate-800'
          }
        >
          {children}
        </tbody>
      </table>
    </div>
  );
}

/** A customer account in a list: its name linking to the account page, and its platform id. */
export function AccountCell({ id, name, externalId }: { id: string; name: string | null; externalId: string }) {
  return (
    <>
      <Link href={`/accounts/${id}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
        {name ?? externalId}
      </Link>{' '}
      <span className={`${mono} text-slate-500`}>{externalId}</span>
    </>
  );
}
