import type { ReactNode } from 'react';
import { AccountCell, DataTable } from '@/components/tables/data-table';
import { PageLinks } from '@/components/tables/page-links';
import { EmptyState } from '@/components/ui/empty-state';
import { mono, td } from '@/components/ui/styles';
import type { Page } from '@/lib/paging/cursor';
import type { SearchParams } from '@/lib/search-params';
import { BucketHeader } from './bucket-header';
import { retentionCutoff, retentionDays } from '@/lib/retention/config';

/** What every drill-down row starts with: when it happened and whose account it was. */
interface BucketRow {
  id: number;
  occurredAt: Date;
  accountId: string;
  accountName: string | null;
  externalId: string;
}

/**
 * The list behind one chart bucket (OTP events or logins): the bucket's heading, a row per event with its
 * time and account first and the cells `row` gives after them, and the older / newer page links.
 */
export function BucketEventList<E extends BucketRow>({
  title,
  from,
  to,
  noun,
  label,
  columns,
  page,
  path,
  query,
  row,
}: {
  title: string;
  from: Date;
  to: Date;
  /** What the list holds, for its empty state: "events", "logins". */
  noun: string;
  label: string;
  /** The headings of the cells `row` gives, after "Time (UTC)" and "Account". */
  columns: string[];
  page: Page<E>;
  path: string;
  query: SearchParams;
  row: (e: E) => ReactNode;
}) {
  // Counts outlive raw events (VIGIL_RETENTION_EVENTS_DAYS): a chart can count a period whose events are gone.
  const rawCutoff = retentionCutoff('events');
  const pastRetention = rawCutoff !== null && from < rawCutoff;
  return (
    <div className="space-y-4">
      <BucketHeader title={title} from={from} to={to} />
      {pastRetention ? (
        <p
          role="note"
          className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
        >
          Raw events are kept for {retentionDays('events')} days (VIGIL_RETENTION_EVENTS_DAYS): those before{' '}
          {rawCutoff.toISOString().slice(0, 10)} are gone, so this list may hold fewer {noun} than the chart counted, or
          none. The chart&apos;s counts are kept.
        </p>
      ) : null}
      {page.items.length === 0 ? (
        <EmptyState title={`No ${noun} in this bucket`}>The chart counted none here with these filters.</EmptyState>
      ) : (
        <DataTable label={label} columns={['Time (UTC)', 'Account', ...columns]}>
          {page.items.map((e) => (
            <tr key={e.id}>
              <td className={`${td} ${mono} whitespace-nowrap`}>
                {e.occurredAt.toISOString().slice(0, 19).replace('T', ' ')}
              </td>
              <td className={td}>
                <AccountCell id={e.accountId} name={e.accountName} externalId={e.externalId} />
              </td>
              {row(e)}
            </tr>
          ))}
        </DataTable>
      )}
      <PageLinks path={path} params={query} newer={page.newer} older={page.older} />
    </div>
  );
}
