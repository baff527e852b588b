import type { ReactNode } from 'react';

/** The customers' side: no sidebar, no staff vocabulary, one calm column that reads well on a phone. */
export default function PublicReportLayout({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-screen flex-col">
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-xl items-center gap-3 px-4 py-3">
          <div
            className="flex size-9 items-center justify-center rounded-lg bg-indigo-700 text-base font-bold text-white"
            aria-hidden
          >
            V
          </div>
          <div>
            <p className="text-base leading-tight font-semibold">Vigil</p>
            <p className="text-sm leading-tight text-slate-600 dark:text-slate-300">Account security</p>
          </div>
        </div>
      </header>
      <main className="mx-auto w-full max-w-xl flex-1 px-4 pt-6 pb-16 sm:pt-10">{children}</main>
      <footer className="border-t border-slate-200 px-4 py-4 text-center text-sm text-slate-600 dark:border-slate-800 dark:text-slate-300">
        We will never ask you for a code or your password.
      </footer>
    </div>
  );
}
