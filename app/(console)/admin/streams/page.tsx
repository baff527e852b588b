import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { pageContext } from '@/app/_adapters/page-context';
import { AddDestinationForm, RemoveDestinationButton } from '@/components/forms/stream-destination-form';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { mono } from '@/components/ui/styles';
import { TimeAgo } from '@/components/ui/time-ago';
import { can } from '@/lib/auth/permissions';
import { formatCount } from '@/lib/format';
import { lagCap, listDestinations } from '@/lib/streams/destinations';

export const metadata: Metadata = { title: 'Streams' };

const streamLabel = { events: 'Events', alerts: 'Alerts', audit: 'Audit log' } as const;

export default async function StreamsPage() {
  const ctx = await pageContext();
  if (!can(ctx.actor, 'streams.manage')) notFound();
  const destinations = await listDestinations(ctx);
  const now = new Date();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Streams</h1>
        <p className="max-w-3xl text-sm text-slate-600 dark:text-slate-400">
          Feed your SIEM and data tools: each destination receives one stream as NDJSON batches (Splunk HEC raw, Datadog
          logs, Vector, Elastic), in commit order, from the same cursor as{' '}
          <code className={mono}>GET /api/v1/stream/…</code>. A destination that is down keeps its place and is retried
          until it is back (at most every 5 minutes); nothing is dropped. A batch is re-sent if its answer was lost, so
          dedupe by the record&apos;s id.
        </p>
      </div>
      <Card title="Add a destination">
        <AddDestinationForm />
      </Card>
      {destinations.length === 0 ? (
        <EmptyState title="No destinations yet">Add one above, or pull with an API key and the stream API.</EmptyState>
      ) : (
        destinations.map((d) => (
          <Card key={d.id} title={`${streamLabel[d.stream]} → ${d.url}`}>
            <div className="space-y-3 text-sm">
              <div className="flex flex-wrap items-center gap-2">
                {d.failingSince ? (
                  <Badge tone="critical">
                    failing since <TimeAgo date={d.failingSince} now={now} />
                  </Badge>
                ) : d.lastDeliveredAt ? (
                  <Badge tone="good">
                    delivered <TimeAgo date={d.lastDeliveredAt} now={now} />
                  </Badge>
                ) : (
                  <Badge tone="low">nothing sent yet</Badge>
                )}
                <Badge tone={d.waiting === 0 ? 'good' : d.waiting >= lagCap ? 'high' : 'medium'}>
                  {d.waiting === 0
                    ? 'caught up'
                    : `${formatCount(d.waiting)}${d.waiting >= lagCap ? '+' : ''} records waiting`}
                </Badge>
                <span className="text-slate-600 dark:text-slate-400">
                  {formatCount(d.delivered)} delivered · {d.hasAuthorization ? 'with' : 'no'} Authorization header ·
                  added by {d.createdBy} <TimeAgo date={d.createdAt} now={now} />
                </span>
              </div>
              {d.lastError ? (
                <p className="text-red-700 dark:text-red-300">
                  Last attempt: {d.lastError}. Next try <TimeAgo date={d.nextAttemptAt} now={now} />.
                </p>
              ) : null}
              <RemoveDestinationButton destinationId={d.id} label={d.url} />
            </div>
          </Card>
        ))
      )}
    </div>
  );
}
