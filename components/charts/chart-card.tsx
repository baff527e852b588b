'use client';

import type { ReactNode } from 'react';
import { toCsv } from '@/lib/csv';

function download(filename: string, rows: Record<string, unknown>[]) {
  const url = URL.createObjectURL(new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  a.click();
  URL.revokeObjectURL(url);
}

/** A chart with its title, definition, CSV export and its loading / error / empty states. */
export function ChartCard({
  title,
  definition,
  csvName,
  rows,
  state,
  empty,
  delta,
  children,
}: {
  title: string;
  /** The range's total against the previous period of the same length. */
  delta?: string;
  definition: string;
  csvName: string;
  rows: Record<string, unknown>[];
  state: 'loading' | 'error' | 'ready';
  empty: boolean;
  children: ReactNode;
}) {
  return (
    <section
      aria-label={title}
      className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
    >
      <header className="mb-3 flex items-start justify-between gap-3">
        <div>
          <h2 className="text-sm font-semibold">{title}</h2>
          <p className="text-xs text-slate-600 dark:text-slate-400">{definition}</p>
          {delta ? <p className="mt-0.5 text-xs font-medium text-slate-800 dark:text-slate-200">{delta}</p> : null}
        </div>
        <button
          type="button"
          disabled={state !== 'ready' || rows.length === 0}
          onClick={() => download(csvName, rows)}
          className="shrink-0 rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-50 disabled:opacity-50 dark:border-slate-700 dark:hover:bg-slate-800"
        >
          CSV
        </button>
      </header>
      <div className="h-64">
        {state === 'loading' ? (
          <div role="status" className="h-full animate-pulse rounded bg-slate-100 dark:bg-slate-800">
            <span className="sr-only">Loading {title}</span>
          </div>
        ) : state === 'error' ? (
          <p role="alert" className="flex h-full items-center justify-center text-sm text-red-700 dark:text-red-300">
            Could not load this chart. It retries every minute; reload the page to try now.
          </p>
        ) : empty ? (
          <p className="flex h-full items-center justify-center px-6 text-center text-sm text-slate-600 dark:text-slate-400">
            No events in this range. Widen the range or clear the filters; figures appear as the platform sends events.
          </p>
        ) : (
          children
        )}
      </div>
    </section>
  );
}
