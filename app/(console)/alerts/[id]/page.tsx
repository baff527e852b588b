import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { pageContext } from '@/app/_adapters/page-context';
import { AlertActions } from '@/components/alerts/alert-actions';
import { AlertStatusBadge, SeverityBadge } from '@/components/alerts/alert-badges';
import { DataTable } from '@/components/tables/data-table';
import { Card, Field } from '@/components/ui/card';
import { mono, td } from '@/components/ui/styles';
import { TimeAgo, utcLabel } from '@/components/ui/time-ago';
import { alertDetail, evidenceShown } from '@/lib/alerts/alert-reads';
import { describeAlert } from '@/lib/alerts/describe-alert';
import { can } from '@/lib/auth/permissions';
import { rules } from '@/lib/detection/rules';
import { loadDetectionSettings } from '@/lib/detection/settings';
import { isServiceError } from '@/lib/errors';
import { countryName } from '@/lib/format';

export const metadata: Metadata = { title: 'Alert' };

const detailKeys = ['reason', 'channel', 'purpose', 'field', 'enabled'] as const;

export default async function AlertPage({ params }: { params: Promise<{ id: string }> }) {
  const ctx = await pageContext();
  if (!can(ctx.actor, 'alerts.view')) notFound();
  const { id } = await params;
  let found;
  try {
    found = await alertDetail(ctx, id);
  } catch (error) {
    if (isServiceError(error) && error.code === 'not_found') notFound();
    throw error;
  }
  const { alert, evidence, trail } = found;
  const settings = await loadDetectionSettings(ctx.db);
  const rule = rules[alert.rule];
  const now = new Date();
  // IP and prefix alerts span accounts: their evidence names each event's account.
  const multiAccount = alert.subject.type !== 'account';
  const prefixAlert = alert.subject.type === 'prefix';
  return (
    <div className="space-y-4">
      <div>
        <Link href="/alerts" className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
          ← Alert queue
        </Link>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-xl font-semibold">{rule.title}</h1>
          <SeverityBadge severity={alert.severity} />
          <AlertStatusBadge status={alert.status} />
        </div>
        <p className="text-sm text-slate-700 dark:text-slate-300">{describeAlert(alert.rule, alert.details)}</p>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="What happened">
          <dl>
            <Field label={{ account: 'Account', ip: 'IP address', prefix: 'Number prefix' }[alert.subject.type]}>
              {alert.accountId ? (
                <Link
                  href={`/accounts/${alert.accountId}`}
                  className="text-indigo-700 hover:underline dark:text-indigo-300"
                >
                  {alert.accountName ?? alert.subject.id}
                </Link>
              ) : (
                <span className={mono}>{alert.subject.id}</span>
              )}
            </Field>
            <Field label="First event">{utcLabel(alert.firstSeen)}</Field>
            <Field label="Last event">{utcLabel(alert.lastSeen)}</Field>
            <Field label="Hits · evidence">
              {alert.hitCount} · {alert.evidenceCount} event{alert.evidenceCount === 1 ? '' : 's'}
            </Field>
            <Field label="Detected">
              <TimeAgo date={alert.detectedAt} now={now} />
            </Field>
          </dl>
          <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
            Rule, as now configured: {rule.describe(settings[alert.rule] as never)}
          </p>
        </Card>
        <Card title="Triage">
          <dl className="mb-3">
            <Field label="Status">
              <AlertStatusBadge status={alert.status} />
            </Field>
            <Field label="Assignee">{alert.assignee?.name ?? 'unassigned'}</Field>
            {alert.resolutionReason ? <Field label="Reason">{alert.resolutionReason}</Field> : null}
          </dl>
          {can(ctx.actor, 'alerts.manage') ? (
            <AlertActions
              alertId={alert.id}
              version={alert.version}
              status={alert.status}
              assigned={alert.assignee !== null}
              assignedToMe={alert.assignee?.id === ctx.actor.id}
            />
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">
              Your role reads alerts; agents and admins work them.
            </p>
          )}
        </Card>
      </div>
      <Card title={`Evidence (${alert.evidenceCount})`}>
        <DataTable
          label="Evidence events"
          framed={false}
          columns={[
            'Time (UTC)',
            'Event',
            ...(multiAccount ? ['Account'] : []),
            ...(prefixAlert ? ['Number'] : []),
            'IP',
            'Country',
            'Device',
            'Detail',
            'Event id',
          ]}
        >
          {evidence.map((e) => {
            const s = e.summary as Record<string, string | boolean | undefined>;
            return (
              <tr key={e.eventId}>
                <td className={`${td} whitespace-nowrap`}>
                  {e.occurredAt.toISOString().slice(0, 19).replace('T', ' ')}
                </td>
                <td className={td}>{e.eventType}</td>
                {multiAccount ? (
                  <td className={td}>
                    <Link
                      href={`/accounts/${e.accountId}`}
                      className={`${mono} text-indigo-700 hover:underline dark:text-indigo-300`}
                    >
                      {String(s.account ?? e.accountId)}
                    </Link>
                  </td>
                ) : null}
                {prefixAlert ? (
                  <td className={`${td} ${mono} whitespace-nowrap`}>{String(s.destination ?? '—')}</td>
                ) : null}
                <td className={`${td} ${mono}`}>{String(s.ip ?? '—')}</td>
                <td className={td}>{s.country ? countryName(String(s.country)) : '—'}</td>
                <td className={`${td} ${mono}`}>{String(s.deviceId ?? '—')}</td>
                <td className={`${td} text-xs`}>
                  {detailKeys
                    .filter((k) => s[k] !== undefined)
                    .map((k) => `${k} ${String(s[k])}`)
                    .join(' · ') || '—'}
                </td>
                <td className={`${td} ${mono} text-slate-500`}>{e.eventId}</td>
              </tr>
            );
          })}
        </DataTable>
        {alert.evidenceCount > evidence.length ? (
          <p className="mt-2 text-xs text-slate-600">The first {evidenceShown} events are shown.</p>
        ) : null}
      </Card>
      <Card title="Trail">
        {trail.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">No one has acted on this alert yet.</p>
        ) : (
          <ul className="space-y-1 text-sm">
            {trail.map((t, i) => (
              <li key={i}>
                <span className="text-slate-600 dark:text-slate-400">{utcLabel(t.occurredAt)}</span> · {t.actorEmail} ·{' '}
                {t.action.replace('alert.', '')}
                {t.reason ? <> — “{t.reason}”</> : null}
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
