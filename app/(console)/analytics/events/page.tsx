import type { Metadata } from 'next';
import { AccountCell, DataTable } from '@/components/tables/data-table';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { channelLabels, purposeLabels, reasonLabels } from '@/components/charts/palette';
import { BucketHeader, NotABucket } from '@/components/layout/bucket-header';
import { PageLinks } from '@/components/tables/page-links';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { mono, td } from '@/components/ui/styles';
import { requireStaff } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { BucketFilter, listOtpEventsInBucket } from '@/lib/metrics/events-in-bucket';
import { param, type SearchParams } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Events behind a chart' };

export default async function BucketEventsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const actor = await requireStaff();
  if (!can(actor, 'analytics.view')) notFound();
  const query = await searchParams;
  const raw: Record<string, string> = {};
  for (const k of ['from', 'to', 'kind', 'channel', 'purpose', 'reason', 'country']) {
    const v = param(query, k);
    if (v) raw[k] = v;
  }
  const parsed = BucketFilter.safeParse(raw);
  if (!parsed.success) return <NotABucket />;
  const f = parsed.data;
  const page = await listOtpEventsInBucket(await getDb(), actor, f, {
    after: param(query, 'after'),
    before: param(query, 'before'),
  });
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
    <div className="space-y-4">
      <BucketHeader title={`OTP events${describe ? ` — ${describe}` : ''}`} from={f.from} to={f.to} />
      {page.items.length === 0 ? (
        <EmptyState title="No events in this bucket">The chart counted none here with these filters.</EmptyState>
      ) : (
        <DataTable
          label="Events in bucket"
          columns={['Time (UTC)', 'Account', 'Event', 'Channel', 'Purpose', 'Reason', 'Country', 'IP']}
        >
          {page.items.map((e) => (
            <tr key={e.id}>
              <td className={`${td} ${mono} whitespace-nowrap`}>
                {e.occurredAt.toISOString().slice(0, 19).replace('T', ' ')}
              </td>
              <td className={td}>
                <AccountCell id={e.accountId} name={e.accountName} externalId={e.externalId} />
              </td>
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
            </tr>
          ))}
        </DataTable>
      )}
      <PageLinks path="/analytics/events" params={query} newer={page.newer} older={page.older} />
    </div>
  );
}
