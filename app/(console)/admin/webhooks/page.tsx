import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { pageContext } from '@/app/_adapters/page-context';
import { RotateWebhookSecretButton, WebhookSettingsForm } from '@/components/forms/webhook-settings-form';
import { AccountCell, DataTable } from '@/components/tables/data-table';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Stat } from '@/components/ui/stat';
import { mono, td } from '@/components/ui/styles';
import { TimeAgo } from '@/components/ui/time-ago';
import { can } from '@/lib/auth/permissions';
import { deliveryLogSize, getWebhookOverview, type WebhookDeliveryLogItem } from '@/lib/webhooks/webhook-overview';
import { defaultMaxAttempts } from '@/lib/outbox/deliver';

export const metadata: Metadata = { title: 'Webhooks' };

function DeliveryResult({ d }: { d: WebhookDeliveryLogItem }) {
  const ok = d.statusCode !== null && d.statusCode >= 200 && d.statusCode < 300;
  return (
    <div className="space-y-0.5">
      {d.statusCode !== null ? (
        <Badge tone={ok ? 'good' : 'critical'}>HTTP {d.statusCode}</Badge>
      ) : (
        <Badge tone="critical">no response</Badge>
      )}
      {d.error && !ok ? (
        <p className="max-w-md text-xs break-words text-slate-600 dark:text-slate-400">{d.error}</p>
      ) : null}
    </div>
  );
}

function EventStatus({ status }: { status: string | null }) {
  if (status === 'delivered') return <Badge tone="good">delivered</Badge>;
  if (status === 'failed') return <Badge tone="critical">given up</Badge>;
  if (status === 'pending') return <Badge tone="medium">retrying</Badge>;
  return <span className="text-slate-400">—</span>;
}

export default async function WebhooksPage() {
  const ctx = await pageContext();
  if (!can(ctx.actor, 'webhooks.manage')) notFound();
  const { settings, backlog, deliveries } = await getWebhookOverview(ctx);
  const now = new Date();
  const oldest = backlog.oldestPendingWebhook;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Webhooks</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          When staff change an account’s security state, Vigil posts{' '}
          <code className={mono}>account.security_changed</code> with the new state to this URL, in order per account,
          retrying with growing delays while the receiver is down. Each request carries{' '}
          <code className={mono}>
            Vigil-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of &quot;t.body&quot;&gt;
          </code>{' '}
          and <code className={mono}>Vigil-Event-Id</code>: verify the signature over the raw body and ignore an event
          id already seen.
        </p>
      </div>
      <Card title="Endpoint">
        <WebhookSettingsForm url={settings?.url ?? ''} enabled={settings?.enabled ?? true} />
      </Card>
      {settings ? (
        <Card title="Signing secret">
          <div className="space-y-3 text-sm">
            <p>
              In use: <code className={mono}>{settings.secretHint}</code>
              {settings.secretCreatedAt ? (
                <span className="text-slate-600 dark:text-slate-400">
                  {' '}
                  (generated <TimeAgo date={settings.secretCreatedAt} now={now} />)
                </span>
              ) : null}
              . It is shown in full only when generated.
            </p>
            <RotateWebhookSecretButton />
          </div>
        </Card>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-3">
        <Stat
          label="Webhook events waiting"
          value={backlog.webhook.pending.toLocaleString('en-US')}
          detail={settings?.enabled === false ? 'held while the webhook is disabled' : 'queued or retrying'}
        />
        <Stat
          label="Webhook events given up"
          value={backlog.webhook.failed.toLocaleString('en-US')}
          detail={
            Number.isFinite(defaultMaxAttempts)
              ? `after ${defaultMaxAttempts} failed attempts`
              : 'none: events are retried hourly until delivered'
          }
        />
        <Stat
          label="Customer notices waiting"
          value={backlog.notice.pending.toLocaleString('en-US')}
          detail={`${backlog.notice.failed.toLocaleString('en-US')} given up`}
        />
      </div>
      {oldest ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Oldest waiting event queued <TimeAgo date={oldest.createdAt} now={now} />, {oldest.attempts} attempt
          {oldest.attempts === 1 ? '' : 's'} so far
          {oldest.lastError ? (
            <>
              , last error <code className={mono}>{oldest.lastError}</code>
            </>
          ) : null}
          ; next try <TimeAgo date={oldest.nextAttemptAt} now={now} />.
        </p>
      ) : null}
      <div className="space-y-2">
        <h2 className="text-sm font-semibold">Delivery log (latest {deliveryLogSize} attempts)</h2>
        {deliveries.length === 0 ? (
          <EmptyState title="No delivery attempts yet">
            Every attempt to post an event appears here once a webhook is configured and staff change an account’s
            security state.
          </EmptyState>
        ) : (
          <DataTable
            label="Webhook delivery attempts"
            columns={['Time', 'Event', 'Account', 'Result', 'Duration', 'Event now']}
          >
            {deliveries.map((d) => (
              <tr key={d.id}>
                <td className={td}>
                  <TimeAgo date={d.attemptedAt} now={now} />
                </td>
                <td className={td}>
                  <span className={mono}>#{d.outboxId}</span>{' '}
                  <span className="text-xs text-slate-500">{d.topic ?? ''}</span>
                </td>
                <td className={td}>
                  {d.account ? (
                    <AccountCell id={d.account.id} name={d.account.displayName} externalId={d.account.externalId} />
                  ) : (
                    <span className="text-slate-400">—</span>
                  )}
                </td>
                <td className={td}>
                  <DeliveryResult d={d} />
                </td>
                <td className={`${td} ${mono} tabular-nums`}>{d.durationMs} ms</td>
                <td className={td}>
                  <EventStatus status={d.outboxStatus} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </div>
    </div>
  );
}
