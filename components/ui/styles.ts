/** Shared class lists, so every button and input looks the same. */
export const buttonPrimary =
  'inline-flex items-center justify-center rounded-md bg-indigo-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60';
export const buttonSecondary =
  'inline-flex items-center justify-center rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium hover:bg-slate-50 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-900 dark:hover:bg-slate-800';
export const buttonDanger =
  'inline-flex items-center justify-center rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-60 dark:border-red-900 dark:bg-slate-900 dark:text-red-300 dark:hover:bg-red-950';
export const input =
  'block rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-950';
export const tableClass = 'w-full text-left text-sm';
export const th = 'px-3 py-2 text-xs font-medium uppercase tracking-wide text-slate-600 dark:text-slate-400';
export const td = 'px-3 py-2 align-top';
export const mono = 'font-mono text-[0.8rem]';
