import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { channelLabels, purposeLabels, reasonLabels } from '@/components/charts/palette';
import { BucketHeader, NotABucket } from '@/components/layout/bucket-header';
import { PageLinks } from '@/components/tables/page-links';
import { Badge } from '@/components/ui/badge';
import { EmptyState } from '@/components/ui/empty-state';
import { mono, tableClass, td, th } from '@/components/ui/styles';
import { requireStaff } from '@/lib/auth/current-actor';
import { can } from '@/lib/auth/permissions';
import { BucketFilter, listOtpEventsInBucket } from '@/lib/data/events-in-bucket';
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
  const page = await listOtpEventsInBucket(await getDb(), actor, f, { after: param(query, 'after'), before: param(query, 'before') });
  const describe = [f.kind?.replace('_', ' '), f.channel && channelLabels[f.channel], f.purpose && purposeLabels[f.purpose], f.reason && reasonLabels[f.reason], f.country].filter(Boolean).join(' · ');
  return (
    <div className="space-y-4">
      <BucketHeader title={`OTP events${describe ? ` — ${describe}` : ''}`} from={f.from} to={f.to} />
      {page.items.length === 0 ? (
        <EmptyState title="No events in this bucket">The chart counted none here with these filters.</EmptyState>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
          <table className={tableClass} aria-label="Events in bucket">
            <thead className="border-b border-slate-200 dark:border-slate-800">
              <tr>
                <th className={th}>Time (UTC)</th>
                <th className={th}>Account</th>
                <th className={th}>Event</th>
                <th className={th}>Channel</th>
                <th className={th}>Purpose</th>
                <th className={th}>Reason</th>
                <th className={th}>Country</th>
                <th className={th}>IP</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {page.items.map((e) => (
                <tr key={e.id}>
                  <td className={`${td} ${mono} whitespace-nowrap`}>{e.occurredAt.toISOString().slice(0, 19).replace('T', ' ')}</td>
                  <td className={td}>
                    <Link href={`/accounts/${e.accountId}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">
                      {e.accountName ?? e.externalId}
                    </Link>{' '}
                    <span className={`${mono} text-slate-500`}>{e.externalId}</span>
                  </td>
                  <td className={td}>
                    <Badge tone={e.kind === 'verified' ? 'good' : e.kind === 'issued' ? 'info' : 'high'}>{e.kind.replace('_', ' ')}</Badge>
                  </td>
                  <td className={td}>{channelLabels[e.channel] ?? e.channel}</td>
                  <td className={td}>{purposeLabels[e.purpose] ?? e.purpose}</td>
                  <td className={td}>{e.failureReason ?? '—'}</td>
                  <td className={td}>{e.country ?? 'unknown'}</td>
                  <td className={`${td} ${mono}`}>{e.ip ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <PageLinks path="/analytics/events" params={query} newer={page.newer} older={page.older} />
    </div>
  );
}
