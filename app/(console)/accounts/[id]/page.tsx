import clsx from 'clsx';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { HistoryFilters } from '@/components/forms/history-filters';
import { LoginHistoryTable } from '@/components/tables/login-history-table';
import { OtpHistoryTable } from '@/components/tables/otp-history-table';
import { PageLinks } from '@/components/tables/page-links';
import { StatusBadge, TwoFactorBadge } from '@/components/tables/two-factor-badge';
import { Badge } from '@/components/ui/badge';
import { Card, Field } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { mono } from '@/components/ui/styles';
import { can } from '@/lib/auth/permissions';
import { TimeAgo } from '@/components/ui/time-ago';
import { pageContext } from '@/app/_adapters/page-context';
import { contactsShown, getAccount } from '@/lib/accounts/accounts';
import { logContactViews } from '@/lib/accounts/log-contact-views';
import { accountAlerts } from '@/lib/alerts/alert-reads';
import { accountReports } from '@/lib/reports/report-reads';
import { categoryLabels, PriorityBadge, ReportStatusBadge } from '@/components/reports/report-badges';
import { accountSecurityPanel } from '@/lib/accounts/account-security';
import { accountTrail } from '@/lib/audit/audit-log';
import { actionReasonCodes, reasonLabels } from '@/lib/accounts/account-change';
import { AccountActions } from '@/components/accounts/account-actions';
import { utcLabel } from '@/components/ui/time-ago';
import { describeAlert } from '@/lib/alerts/describe-alert';
import { AlertStatusBadge, SeverityBadge } from '@/components/alerts/alert-badges';
import { DataTable } from '@/components/tables/data-table';
import { td } from '@/components/ui/styles';
import {
  listLoginHistory,
  listOtpHistory,
  LoginHistoryFilter,
  loginOutcomes,
  otpChannels,
  OtpHistoryFilter,
  otpKinds,
  otpPurposes,
  parseFilters,
} from '@/lib/accounts/account-history';
import type { ServiceContext } from '@/lib/context';
import { isServiceError } from '@/lib/errors';
import { param, type SearchParams } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Account' };

const options = (values: readonly string[]) => values.map((v) => ({ value: v, label: v.replace('_', ' ') }));

async function loadAccount(ctx: ServiceContext, id: string) {
  try {
    return await getAccount(ctx, id);
  } catch (error) {
    if (isServiceError(error) && error.code === 'not_found') notFound();
    throw error;
  }
}

export default async function AccountPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { id } = await params;
  const query = await searchParams;
  const ctx = await pageContext();
  const { actor } = ctx;
  const account = await loadAccount(ctx, id);
  // Showing the full e-mail or phone is a view of them, logged at most once an hour per staff member.
  const shown = contactsShown(account.contactsMasked, [account]);
  if (shown.length > 0) await logContactViews(ctx, shown);
  const now = new Date();
  const tab = param(query, 'tab') === 'otp' ? 'otp' : 'logins';
  const path = `/accounts/${account.id}`;
  const direction = { after: param(query, 'after'), before: param(query, 'before') };
  const raw = Object.fromEntries(
    ['outcome', 'kind', 'channel', 'purpose', 'from', 'to'].map((k) => [k, param(query, k)]),
  );

  let history;
  if (tab === 'logins') {
    const { filter, ignored } = parseFilters(LoginHistoryFilter, raw);
    const page = await listLoginHistory(ctx, account.id, filter, direction);
    history = (
      <>
        <HistoryFilters
          action={path}
          tab="logins"
          values={filter}
          ignored={ignored}
          selects={[{ name: 'outcome', label: 'Outcome', options: options(loginOutcomes) }]}
        />
        {page.items.length === 0 ? (
          <EmptyState title="No login events match">
            Sign-ins appear here as the platform reports them. Widen the dates or clear the filters.
          </EmptyState>
        ) : (
          <LoginHistoryTable items={page.items} now={now} />
        )}
        <PageLinks path={path} params={query} newer={page.newer} older={page.older} />
      </>
    );
  } else {
    const { filter, ignored } = parseFilters(OtpHistoryFilter, raw);
    const page = await listOtpHistory(ctx, account.id, filter, direction);
    history = (
      <>
        <HistoryFilters
          action={path}
          tab="otp"
          values={filter}
          ignored={ignored}
          selects={[
            { name: 'kind', label: 'Event', options: options(otpKinds) },
            { name: 'channel', label: 'Channel', options: options(otpChannels) },
            { name: 'purpose', label: 'Purpose', options: options(otpPurposes) },
          ]}
        />
        {page.items.length === 0 ? (
          <EmptyState title="No code events match">
            Codes sent to this customer appear here: issued, verified, failed or undelivered.
          </EmptyState>
        ) : (
          <OtpHistoryTable items={page.items} now={now} />
        )}
        <PageLinks path={path} params={query} newer={page.newer} older={page.older} />
      </>
    );
  }

  const [alerts, reports, panel, trail] = await Promise.all([
    can(actor, 'alerts.view') ? accountAlerts(ctx, account.id) : Promise.resolve([]),
    can(actor, 'reports.view') ? accountReports(ctx, account.id) : Promise.resolve([]),
    accountSecurityPanel(ctx, account.id),
    accountTrail(ctx, account.id),
  ]);
  const pending = panel.pendingTwoFactorOff;

  const tabClass = (active: boolean) =>
    clsx(
      'border-b-2 px-3 py-2 text-sm font-medium',
      active
        ? 'border-indigo-600 text-indigo-700 dark:text-indigo-300'
        : 'border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400',
    );

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">{account.displayName ?? account.externalId}</h1>
        <StatusBadge status={account.status} />
        <TwoFactorBadge enabled={account.twoFactorEnabled} method={account.twoFactorMethod} />
        {account.passwordResetRequired ? <Badge tone="high">password reset required</Badge> : null}
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Profile">
          <dl>
            <Field label="Platform id">
              <span className={mono}>{account.externalId}</span>
            </Field>
            <Field label="E-mail">{account.email ?? '—'}</Field>
            <Field label="Phone">
              <span className={mono}>{account.phone ?? '—'}</span>
            </Field>
            {account.contactsMasked ? (
              <p className="pt-1 text-xs text-slate-600 dark:text-slate-400">
                Contact details are masked for your role.
              </p>
            ) : null}
            <Field label="First seen">
              <TimeAgo date={account.firstEventAt} now={now} />
            </Field>
            <Field label="Last activity">
              <TimeAgo date={account.lastEventAt} now={now} />
            </Field>
          </dl>
        </Card>
        <Card title="Security state">
          <dl>
            <Field label="Status (set by staff)">
              <StatusBadge status={account.status} />
            </Field>
            <Field label="2FA reported by the platform">
              <TwoFactorBadge enabled={account.twoFactorEnabled} method={account.twoFactorMethod} />
            </Field>
            <Field label="2FA required by staff">
              {account.twoFactorRequired ? `yes (${account.twoFactorRequiredMethod ?? 'any method'})` : 'no'}
            </Field>
            {account.twoFactorDisableRequired ? (
              <Field label="2FA off approved by staff">
                yes; waiting for the platform to remove the customer’s own 2FA
              </Field>
            ) : null}
            <Field label="Password reset required">{account.passwordResetRequired ? 'yes' : 'no'}</Field>
            <Field label="Sessions valid after">
              <TimeAgo date={account.sessionsValidAfter} now={now} />
            </Field>
          </dl>
          <div className="mt-3 border-t border-slate-200 pt-3 dark:border-slate-800">
            <AccountActions
              accountId={account.id}
              version={account.version}
              status={account.status}
              passwordResetRequired={account.passwordResetRequired}
              twoFactorRequired={account.twoFactorRequired}
              twoFactorRequiredMethod={account.twoFactorRequiredMethod}
              twoFactorOn={account.twoFactorEnabled && !account.twoFactorDisableRequired}
              canAct={can(actor, 'accounts.act')}
              canRequest2faOff={can(actor, 'accounts.request2faOff')}
              canApprove2faOff={can(actor, 'accounts.approve2faOff')}
              pendingTwoFactorOff={
                pending
                  ? {
                      id: pending.id,
                      requestedByMe: pending.requestedBy.id === actor.id,
                      requestedBy: pending.requestedBy.name,
                      note: pending.note,
                      expiresAt: pending.expiresAt.toISOString(),
                    }
                  : null
              }
              reasons={actionReasonCodes.map((r) => ({ value: r, label: reasonLabels[r] }))}
            />
          </div>
        </Card>
      </div>
      {alerts.length > 0 ? (
        <Card title={`Alerts (${alerts.length})`}>
          <DataTable
            label="Alerts on this account"
            framed={false}
            columns={['Severity', 'Alert', 'Status', 'First event', 'Assignee']}
          >
            {alerts.map((a) => (
              <tr key={a.id}>
                <td className={td}>
                  <SeverityBadge severity={a.severity} />
                </td>
                <td className={td}>
                  <Link
                    href={`/alerts/${a.id}`}
                    className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                  >
                    {a.title}
                  </Link>
                  <div className="text-xs text-slate-600 dark:text-slate-400">{describeAlert(a.rule, a.details)}</div>
                </td>
                <td className={td}>
                  <AlertStatusBadge status={a.status} />
                </td>
                <td className={td}>
                  <TimeAgo date={a.firstSeen} now={now} />
                </td>
                <td className={td}>{a.assignee?.name ?? 'unassigned'}</td>
              </tr>
            ))}
          </DataTable>
        </Card>
      ) : null}
      {reports.length > 0 ? (
        <Card title={`Fraud reports (${reports.length})`}>
          <DataTable
            label="Fraud reports about this account"
            framed={false}
            columns={['Priority', 'Report', 'Status', 'Filed', 'Assignee']}
          >
            {reports.map((r) => (
              <tr key={r.id}>
                <td className={td}>
                  <PriorityBadge priority={r.priority} />
                </td>
                <td className={td}>
                  <Link
                    href={`/reports/${r.id}`}
                    className={`${mono} font-medium text-indigo-700 hover:underline dark:text-indigo-300`}
                  >
                    {r.reference}
                  </Link>{' '}
                  <span className="text-xs text-slate-600 dark:text-slate-400">
                    {categoryLabels[r.category] ?? r.category}
                  </span>
                </td>
                <td className={td}>
                  <ReportStatusBadge status={r.status} />
                </td>
                <td className={td}>
                  <TimeAgo date={r.createdAt} now={now} />
                </td>
                <td className={td}>{r.assigneeName ?? 'unassigned'}</td>
              </tr>
            ))}
          </DataTable>
        </Card>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="Trail (who did what to this account)">
          {trail.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">No staff action on this account yet.</p>
          ) : (
            <ul className="space-y-2 text-sm" aria-label="Account trail">
              {trail.map((t) => (
                <li key={t.id}>
                  <span className="text-slate-600 dark:text-slate-400">{utcLabel(t.occurredAt)}</span> ·{' '}
                  <strong>{t.action.replace('account.', '').replaceAll('_', ' ')}</strong> by {t.actorEmail}
                  {t.reason ? <div className="text-slate-700 dark:text-slate-300">{t.reason}</div> : null}
                </li>
              ))}
            </ul>
          )}
        </Card>
        <Card title="What the customer was told">
          {panel.notices.length === 0 ? (
            <p className="text-sm text-slate-600 dark:text-slate-400">No notices sent.</p>
          ) : (
            <ul className="space-y-2 text-sm">
              {panel.notices.map((n, i) => (
                <li key={i}>
                  <span className="text-slate-600 dark:text-slate-400">{utcLabel(n.createdAt)}</span> · {n.channel}
                  {n.to ? ` to ${n.to}` : ''} · {n.status}
                  <div className="text-slate-700 dark:text-slate-300">{n.text}</div>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
      <Card>
        <div
          role="tablist"
          aria-label="History"
          className="-mt-2 mb-3 flex gap-2 border-b border-slate-200 dark:border-slate-800"
        >
          <Link
            role="tab"
            aria-selected={tab === 'logins'}
            href={`${path}?tab=logins`}
            className={tabClass(tab === 'logins')}
          >
            Login history
          </Link>
          <Link role="tab" aria-selected={tab === 'otp'} href={`${path}?tab=otp`} className={tabClass(tab === 'otp')}>
            One-time codes
          </Link>
        </div>
        <div role="tabpanel">{history}</div>
      </Card>
      <p className="text-xs text-slate-500">
        Vigil id <span className={mono}>{account.id}</span> · version {account.version} · viewed by {actor.email}
      </p>
    </div>
  );
}
