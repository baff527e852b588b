import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { AccountActions } from '@/components/accounts/account-actions';
import { CustomerData } from '@/components/accounts/customer-data';
import { pendingErasure } from '@/lib/accounts/erase-account';
import { accountHolds } from '@/lib/accounts/legal-hold';
import { AccountTimeline, kindLabels } from '@/components/accounts/account-timeline';
import { RightNowStrip } from '@/components/accounts/right-now-strip';
import { TimelineFilters } from '@/components/forms/timeline-filters';
import { PageLinks } from '@/components/tables/page-links';
import { StatusBadge, TwoFactorBadge } from '@/components/tables/two-factor-badge';
import { Badge } from '@/components/ui/badge';
import { Card, Field } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { mono } from '@/components/ui/styles';
import { TimeAgo } from '@/components/ui/time-ago';
import { pageContext } from '@/app/_adapters/page-context';
import { actionReasonCodes, reasonLabels } from '@/lib/accounts/account-change';
import { accountSecurityPanel } from '@/lib/accounts/account-security';
import { accountTimeline, parseTimelineFilter, timelineKinds } from '@/lib/accounts/account-timeline';
import { contactsShown, getAccount } from '@/lib/accounts/accounts';
import { logContactViews } from '@/lib/accounts/log-contact-views';
import { accountRightNow } from '@/lib/accounts/right-now';
import { can } from '@/lib/auth/permissions';
import type { ServiceContext } from '@/lib/context';
import { isServiceError } from '@/lib/errors';
import { param, paramList, type SearchParams } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Account' };

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
  const path = `/accounts/${account.id}`;
  const { filter, ignored } = parseTimelineFilter({
    kind: paramList(query, 'kind'),
    from: param(query, 'from'),
    to: param(query, 'to'),
  });
  const direction = { after: param(query, 'after'), before: param(query, 'before') };
  const [timeline, rightNow, panel, holds, erasure] = await Promise.all([
    accountTimeline(ctx, account.id, filter, direction),
    accountRightNow(ctx, account.id, now),
    accountSecurityPanel(ctx, account.id),
    accountHolds(ctx, account.id),
    pendingErasure(ctx, account.id),
  ]);
  const pending = panel.pendingTwoFactorOff;
  const lockReason = rightNow.lockReasonCode
    ? (reasonLabels[rightNow.lockReasonCode as keyof typeof reasonLabels] ?? rightNow.lockReasonCode)
    : null;
  const filtered = Boolean(filter.kind ?? filter.from ?? filter.to);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-xl font-semibold">{account.displayName ?? account.externalId}</h1>
        <StatusBadge status={account.status} />
        <TwoFactorBadge enabled={account.twoFactorEnabled} method={account.twoFactorMethod} />
        {account.passwordResetRequired ? <Badge tone="high">password reset required</Badge> : null}
      </div>
      <RightNowStrip state={rightNow} now={now} lockReason={lockReason} />
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
      <Card title="Customer data">
        <CustomerData
          accountId={account.id}
          externalId={account.externalId}
          holds={holds}
          canManage={can(actor, 'accounts.erase')}
          pendingErasure={
            erasure
              ? {
                  id: erasure.id,
                  requestedByMe: erasure.requestedBy === actor.id,
                  requestedBy: erasure.requestedByName,
                }
              : null
          }
        />
      </Card>
      <Card title="Timeline (newest first)">
        <TimelineFilters
          action={path}
          kinds={timelineKinds.map((k) => ({ value: k, label: kindLabels[k] }))}
          values={filter}
          ignored={ignored}
        />
        {timeline.items.length === 0 ? (
          <EmptyState
            title={
              filtered
                ? 'Nothing matches these filters'
                : direction.after || direction.before
                  ? 'Nothing past this point'
                  : 'Nothing on this account yet'
            }
          >
            Sign-ins, codes, account changes, staff actions, alerts, reports and notices appear here as they happen.
            {filtered ? ' Widen the dates or clear the filters.' : ''}
          </EmptyState>
        ) : (
          <AccountTimeline items={timeline.items} now={now} />
        )}
        <PageLinks path={path} params={query} newer={timeline.newer} older={timeline.older} />
      </Card>
      <p className="text-xs text-slate-500">
        Vigil id <span className={mono}>{account.id}</span> · version {account.version} · viewed by {actor.email}
      </p>
    </div>
  );
}
