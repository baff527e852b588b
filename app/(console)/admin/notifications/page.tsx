import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { pageContext } from '@/app/_adapters/page-context';
import { AddChannelForm, ChannelButtons } from '@/components/forms/notification-channel-form';
import { DataTable } from '@/components/tables/data-table';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { mono, td } from '@/components/ui/styles';
import { TimeAgo } from '@/components/ui/time-ago';
import { can } from '@/lib/auth/permissions';
import { channelDeliveries, listChannels, type ChannelView } from '@/lib/notifications/channels';
import { channelFailingFlagMs } from '@/lib/notifications/health';
import { notificationTopicList } from '@/lib/notifications/topics';

export const metadata: Metadata = { title: 'Notifications' };

const typeLabel: Record<string, string> = { slack: 'Slack-style chat', email: 'E-mail', webhook: 'Signed webhook' };

function Health({ channel, now }: { channel: ChannelView; now: Date }) {
  if (channel.failingSince) {
    const long = now.getTime() - channel.failingSince.getTime() >= channelFailingFlagMs;
    return (
      <Badge tone={long ? 'critical' : 'medium'}>
        failing since <TimeAgo date={channel.failingSince} now={now} />
      </Badge>
    );
  }
  if (channel.lastDeliveredAt) {
    return (
      <Badge tone="good">
        delivered <TimeAgo date={channel.lastDeliveredAt} now={now} />
      </Badge>
    );
  }
  return <Badge tone="low">nothing sent yet</Badge>;
}

export default async function NotificationsPage() {
  const ctx = await pageContext();
  if (!can(ctx.actor, 'notifications.manage')) notFound();
  const channels = await listChannels(ctx);
  const logs = await Promise.all(channels.map((c) => channelDeliveries(ctx, c.id, 10)));
  const now = new Date();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Notifications</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Tell the security team the moment something needs them, in chat, by e-mail or to their own tools. Messages say
          what happened, to whom and why, and link to the page in Vigil. A channel that is down is retried until it is
          back (nothing is dropped); one message per alert and channel every 10 minutes, with later hits counted in the
          next.
        </p>
      </div>
      <Card title="Add a channel">
        <AddChannelForm topics={notificationTopicList} />
      </Card>
      {channels.length === 0 ? (
        <EmptyState title="No channels yet">
          Add one above. The CLI does the same:{' '}
          <code className={mono}>vigil channel add --type slack --target URL</code>.
        </EmptyState>
      ) : (
        channels.map((c, i) => (
          <Card key={c.id} title={`${typeLabel[c.type] ?? c.type}: ${c.target}`}>
            <div className="space-y-3 text-sm">
              <div className="flex flex-wrap items-center gap-2">
                <Health channel={c} now={now} />
                <Badge tone="low">alerts from {c.minSeverity}</Badge>
                {c.masked ? <Badge tone="low">masked</Badge> : null}
                <span className="text-slate-600 dark:text-slate-400">
                  {c.topics ? c.topics.join(', ') : 'all topics'} · added by {c.createdBy}{' '}
                  <TimeAgo date={c.createdAt} now={now} />
                </span>
              </div>
              <ChannelButtons channelId={c.id} label={c.target} />
              {logs[i]!.length > 0 ? (
                <DataTable
                  label={`Deliveries to ${c.target}`}
                  columns={['Time', 'Message', 'Result', 'Duration']}
                  framed={false}
                >
                  {logs[i]!.map((d) => (
                    <tr key={d.id}>
                      <td className={td}>
                        <TimeAgo date={d.attemptedAt} now={now} />
                      </td>
                      <td className={`${td} ${mono}`}>#{d.outboxId}</td>
                      <td className={td}>
                        {d.error ? (
                          <span className="text-red-700 dark:text-red-300">{d.error}</span>
                        ) : (
                          <Badge tone="good">{d.statusCode ? `HTTP ${d.statusCode}` : 'sent'}</Badge>
                        )}
                      </td>
                      <td className={`${td} ${mono} tabular-nums`}>{d.durationMs} ms</td>
                    </tr>
                  ))}
                </DataTable>
              ) : null}
            </div>
          </Card>
        ))
      )}
    </div>
  );
}
