'use client';

/** The only thing an unexpected error shows: what to do next and a reference for support. No details. */
export function ErrorNotice({ reference, onRetry }: { reference?: string; onRetry?: () => void }) {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <h1 className="text-xl font-semibold">Something went wrong</h1>
      <p className="mt-3 text-slate-600 dark:text-slate-400">
        Vigil could not complete this request. Try again; if it keeps happening, send the reference below to the Vigil
        administrators.
      </p>
      {reference ? (
        <p className="mt-4 text-sm">
          Reference <code className="rounded bg-slate-200 px-1.5 py-0.5 font-mono dark:bg-slate-800">{reference}</code>
        </p>
      ) : null}
      {onRetry ? (
        <button
          type="button"
          onClick={onRetry}
          className="mt-6 rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500"
        >
          Try again
        </button>
      ) : null}
    </main>
  );
}
