import Link from 'next/link';
import { EmptyState } from '@/components/ui/empty-state';
import { utcLabel } from '@/components/ui/time-ago';

/** The heading of a drill-down list: what bucket it is and the way back to the charts. */
export function BucketHeader({ title, from, to }: { title: string; from: Date; to: Date }) {
  return (
    <div>
      <Link href="/analytics" className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
        ← Analytics
      </Link>
      <h1 className="mt-1 text-xl font-semibold">{title}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        From {utcLabel(from)} to {utcLabel(to)} (end excluded), newest first. Open an account to act on it.
      </p>
    </div>
  );
}

export function NotABucket() {
  return (
    <EmptyState title="This link does not describe a chart bucket">
      Open{' '}
      <Link href="/analytics" className="text-indigo-700 underline dark:text-indigo-300">
        Analytics
      </Link>{' '}
      and click a bar to list the events behind it.
    </EmptyState>
  );
}
