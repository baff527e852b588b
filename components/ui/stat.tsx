import Link from 'next/link';
import type { ReactNode } from 'react';

/** A headline figure with what it is compared with; optionally a link and a small chart below. */
export function Stat({
  label,
  value,
  detail,
  href,
  children,
}: {
  label: string;
  value: string;
  detail: string;
  href?: string;
  children?: ReactNode;
}) {
  const body = (
    <>
      <p className="text-xs font-medium uppercase tracking-wide text-slate-600 dark:text-slate-400">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
      <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">{detail}</p>
      {children ? <div className="mt-2">{children}</div> : null}
    </>
  );
  const frame = 'block rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900';
  return href ? (
    <Link href={href} className={`${frame} hover:border-indigo-400`}>
      {body}
    </Link>
  ) : (
    <div className={frame}>{body}</div>
  );
}
