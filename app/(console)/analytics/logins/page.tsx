import type { Metadata } from 'next';
import { reasonLabels } from '@/components/charts/palette';
import { BucketEventList } from '@/components/layout/bucket-event-list';
import { NotABucket } from '@/components/layout/bucket-header';
import { Badge } from '@/components/ui/badge';
import { mono, td } from '@/components/ui/styles';
import { listLoginEventsInBucket, LoginBucketFilter } from '@/lib/metrics/events-in-bucket';
import type { SearchParams } from '@/lib/search-params';
import { bucketDrillDown } from '../analytics-page-context';

export const metadata: Metadata = { title: 'Logins behind a chart' };

export default async function BucketLoginsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const query = await searchParams;
  const bucket = await bucketDrillDown(query, LoginBucketFilter, listLoginEventsInBucket);
  if (!bucket) return <NotABucket />;
  const { f, page } = bucket;
  const describe = [f.outcome, f.reason && reasonLabels[f.reason], f.country].filter(Boolean).join(' · ');
  return (
    <BucketEventList
      title={`Logins${describe ? ` — ${describe}` : ''}`}
      from={f.from}
      to={f.to}
      noun="logins"
      label="Logins in bucket"
      columns={['Outcome', 'Reason', 'Country', 'IP', 'Device']}
      page={page}
      path="/analytics/logins"
      query={query}
      row={(e) => (
        <>
          <td className={td}>
            {e.outcome === 'succeeded' ? <Badge tone="good">succeeded</Badge> : <Badge tone="high">failed</Badge>}
          </td>
          <td className={td}>{e.failureReason ? (reasonLabels[e.failureReason] ?? e.failureReason) : '—'}</td>
          <td className={td}>{e.country ?? 'unknown'}</td>
          <td className={`${td} ${mono}`}>{e.ip ?? '—'}</td>
          <td className={`${td} ${mono}`}>{e.deviceId ?? '—'}</td>
        </>
      )}
    />
  );
}
