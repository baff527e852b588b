import clsx from 'clsx';
import Link from 'next/link';
import { rangePresets } from '@/lib/analytics/analytics-range';
import { hrefWith, type SearchParams } from '@/lib/search-params';

/** The 24h / 7d / 30d / 90d switch of an analytics page: links that keep the page's other parameters. */
export function RangePresets({ path, query, active }: { path: string; query: SearchParams; active: string }) {
  return (
    <nav aria-label="Time range" className="flex flex-wrap gap-1">
      {Object.keys(rangePresets).map((r) => (
        <Link
          key={r}
          href={hrefWith(path, query, { range: r, start: null, end: null })}
          aria-current={active === r ? 'page' : undefined}
          className={clsx(
            'rounded-md px-2.5 py-1 text-sm font-medium',
            active === r
              ? 'bg-indigo-600 text-white'
              : 'text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800',
          )}
        >
          {r}
        </Link>
      ))}
    </nav>
  );
}
