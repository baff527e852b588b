import type { Metadata } from 'next';
import { channelLabels, purposeLabels, reasonLabels } from '@/components/charts/palette';
import { BucketEventList } from '@/components/layout/bucket-event-list';
import { NotABucket } from '@/components/layout/bucket-header';
import { Badge } from '@/components/ui/badge';
import { mono, td } from '@/components/ui/styles';
import { BucketFilter, listOtpEventsInBucket } from '@/lib/metrics/events-in-bucket';
import type { SearchParams } from '@/lib/search-params';
import { bucketDrillDown } from '../analytics-page-context';

export const metadata: Metadata = { title: 'Events behind a chart' };

export default async function BucketEventsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const query = await searchParams;
  const bucket = await bucketDrillDown(query, BucketFilter, listOtpEventsInBucket);
  if (!bucket) return <NotABucket />;
  const { f, page } = bucket;
  const describe = [
    f.kind?.replace('_', ' '),
    f.channel && channelLabels[f.channel],
    f.purpose && purposeLabels[f.purpose],
    f.reason && reasonLabels[f.reason],
    f.country,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <BucketEventList
      title={`OTP events${describe ? ` — ${describe}` : ''}`}
      from={f.from}
      to={f.to}
      noun="events"
      label="Events in bucket"
      columns={['Event', 'Channel', 'Purpose', 'Reason', 'Country', 'IP']}
      page={page}
      path="/analytics/events"
      query={query}
      row={(e) => (
        <>
          <td className={td}>
            <Badge tone={e.kind === 'verified' ? 'good' : e.kind === 'issued' ? 'info' : 'high'}>
              {e.kind.replace('_', ' ')}
            </Badge>
          </td>
          <td className={td}>{channelLabels[e.channel] ?? e.channel}</td>
          <td className={td}>{purposeLabels[e.purpose] ?? e.purpose}</td>
          <td className={td}>{e.failureReason ?? '—'}</td>
          <td className={td}>{e.country ?? 'unknown'}</td>
          <td className={`${td} ${mono}`}>{e.ip ?? '—'}</td>
        </>
      )}
    />
  );
}
