import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { Fragment } from 'react';
import { pageContext } from '@/app/_adapters/page-context';
import { RetentionRunForm } from '@/components/forms/retention-run-form';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { mono, tableClass, td, th } from '@/components/ui/styles';
import { TimeAgo } from '@/components/ui/time-ago';
import { can } from '@/lib/auth/permissions';
import { formatCount } from '@/lib/format';
import type { RetentionClass } from '@/lib/retention/config';
import { retentionOverview } from '@/lib/retention/retention';

export const metadata: Metadata = { title: 'Data retention' };

const classLabel: Record<RetentionClass, string> = {
  events: 'Raw login, code and account events (and the seen-id ledger)',
  codes: 'Code pairings (to time each code from issue to delivery and use)',
  hourly: 'Hourly counts (hour charts, the prefix table)',
  daily: 'Daily counts (day charts)',
  cases: 'Resolved or dismissed alerts, closed reports',
  outbox: 'Delivered webhooks, notices and notifications',
  audit: 'Audit log',
};

const plural = (n: number, one: string, many: string) => `${formatCount(n)} ${n === 1 ? one : many}`;
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : '—');
const size = (bytes: number) =>
  bytes >= 1 << 30
    ? `${(bytes / (1 << 30)).toFixed(1)} GB`
    : bytes >= 1 << 20
      ? `${(bytes / (1 << 20)).toFixed(1)} MB`
      : `${Math.round(bytes / 1024)} kB`;

export default async function RetentionPage() {
  const ctx = await pageContext();
  if (!can(ctx.actor, 'retention.manage')) notFound();
  const now = new Date();
  const { classes, partitions, lastRun, armed, waiting } = await retentionOverview(ctx, now);
  const months = [...new Set(partitions.map((p) => p.from))].sort().reverse();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Data retention</h1>
        <p className="max-w-3xl text-sm text-slate-600 dark:text-slate-400">
          How long Vigil keeps each kind of data, set by environment variables on the server. Raw events are stored in
          monthly partitions; a month goes as a whole once all of it is past the window, so the oldest month kept may
          reach back up to a month further. Accounts under legal hold (an open alert or report, or an admin&apos;s hold)
          keep their evidence. Retention runs once a day;{' '}
          <code className={mono}>npm run vigil -- retention run --dry-run</code> shows the same preview.
        </p>
      </div>
      <Card title="What is kept">
        <div className="overflow-x-auto">
          <table className={tableClass}>
            <thead>
              <tr>
                <th className={th}>Data</th>
                <th className={th}>Kept</th>
                {/* On a phone the two dates go under the window, so the table fits without scrolling sideways. */}
                <th className={`${th} hidden sm:table-cell`}>Kept from</th>
                <th className={`${th} hidden sm:table-cell`}>Oldest row</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {classes.map((c) => {
                const oldest = c.oldest ? day(c.oldest) : 'nothing yet';
                return (
                  <tr key={c.kind}>
                    <td className={td}>
                      {classLabel[c.kind]}
                      <code className={`${mono} block text-xs text-slate-500 dark:text-slate-400`}>
                        {/* On a phone the name wraps after an underscore, never mid-word; <wbr> is not copied. */}
                        {c.variable.split('_').map((part, i) => (
                          <Fragment key={i}>
                            {i > 0 && (
                              <>
                                _<wbr />
                              </>
                            )}
                            {part}
                          </Fragment>
                        ))}
                      </code>
                    </td>
                    <td className={`${td} whitespace-nowrap`}>
                      {c.days === null ? 'forever' : `${formatCount(c.days)} days`}
                      <span className="block text-xs text-slate-500 sm:hidden dark:text-slate-400">
                        {c.cutoff && (
                          <>
                            from {day(c.cutoff)}
                            <br />
                          </>
                        )}
                        oldest {oldest}
                      </span>
                    </td>
                    <td className={`${td} hidden whitespace-nowrap sm:table-cell`}>{day(c.cutoff)}</td>
                    <td className={`${td} hidden whitespace-nowrap sm:table-cell`}>{oldest}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Card>
      <Card title="Run retention">
        <div className="space-y-3 text-sm">
          {lastRun ? (
            <p>
              Last run <TimeAgo date={new Date(lastRun.at)} now={now} />:{' '}
              {lastRun.partitions.filter((p) => p.outcome === 'dropped').length} partitions dropped,{' '}
              {formatCount(Object.values(lastRun.rows).reduce((a, b) => a + b, 0))} other rows deleted
              {lastRun.partitions.some((p) => p.outcome === 'retry')
                ? `; ${lastRun.partitions.filter((p) => p.outcome === 'retry').length} left for the next run (a lock was not granted within 1 s)`
                : ''}
              .
            </p>
          ) : (
            <p>Retention has not run yet.</p>
          )}
          {!armed && waiting ? (
            <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
              The daily run is waiting for a first run by an admin: this installation holds data from before retention
              existed, and {plural(waiting.partitions.length, 'partition', 'partitions')} and{' '}
              {formatCount(Object.values(waiting.rows).reduce((a, b) => a + b, 0))} other rows are past their windows.
              Nothing is removed until someone has looked: Preview, then Run now (or <code>vigil retention run</code>).
              The daily run follows from then on.
            </p>
          ) : null}
          {lastRun?.audit?.some((m) => m.outcome === 'owner') ? (
            <p className="rounded-md border border-amber-300 bg-amber-50 p-3 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100">
              {plural(
                lastRun.audit.filter((m) => m.outcome === 'owner').length,
                'audit log month is',
                'audit log months are',
              )}{' '}
              past <code className="break-all">VIGIL_RETENTION_AUDIT_DAYS</code>. The server cannot drop them: the audit
              log belongs to the migration role. Run <code>vigil retention run</code> with{' '}
              <code className="break-all">VIGIL_MIGRATION_DATABASE_URL</code> set; the drop is audited.
            </p>
          ) : null}
          <RetentionRunForm />
        </div>
      </Card>
      <Card title="Raw event partitions">
        <div className="overflow-x-auto">
          <table className={tableClass}>
            <thead>
              <tr>
                <th className={th}>Month (UTC)</th>
                <th className={th}>Logins</th>
                <th className={th}>Codes</th>
                <th className={th}>Account changes</th>
                <th className={th}>State</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100 dark:divide-slate-800">
              {months.map((from) => {
                const of = (table: string) => partitions.find((p) => p.from === from && p.table === table);
                const due = partitions.some((p) => p.from === from && p.due);
                const future = from > now.toISOString();
                return (
                  <tr key={from}>
                    <td className={`${td} whitespace-nowrap`}>{from.slice(0, 7)}</td>
                    {['login_events', 'otp_events', 'account_events'].map((t) => (
                      <td key={t} className={`${td} whitespace-nowrap`}>
                        {of(t) ? size(of(t)!.bytes) : '—'}
                      </td>
                    ))}
                    <td className={td}>
                      {due ? (
                        <Badge tone="medium">past the window: goes at the next run</Badge>
                      ) : future ? (
                        <Badge tone="info">made ahead</Badge>
                      ) : (
                        <Badge tone="good">kept</Badge>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </Card>
    </div>
  );
}
