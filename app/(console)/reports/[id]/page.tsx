import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { pageContext } from '@/app/_adapters/page-context';
import { categoryLabels, PriorityBadge, ReportStatusBadge } from '@/components/reports/report-badges';
import { LinkAccountForm, ReportActions, ReportMessageForm } from '@/components/reports/report-actions';
import { DataTable } from '@/components/tables/data-table';
import { Card, Field } from '@/components/ui/card';
import { mono, td } from '@/components/ui/styles';
import { TimeAgo, utcLabel } from '@/components/ui/time-ago';
import { can } from '@/lib/auth/permissions';
import { contactsShown, maxSearchLength, searchAccounts } from '@/lib/accounts/accounts';
import { logContactViews } from '@/lib/accounts/log-contact-views';
import { type ServiceContext } from '@/lib/context';
import { assignableStaff } from '@/lib/alerts/alert-reads';
import { reportDetail } from '@/lib/reports/report-reads';
import { isServiceError } from '@/lib/errors';
import { allowedReportMoves } from '@/lib/reports/report-workflow';
import { param, type SearchParams } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Report' };

const detailLabels: Record<string, string> = {
  senderNumber: 'Sender number',
  senderAddress: 'Sender address',
  link: 'Link in the message',
  callerNumber: 'Caller number',
  orderId: 'Order number',
};

function evidenceLine(kind: string, s: Record<string, unknown>): string {
  const v = (k: string) => {
    const value = s[k];
    return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
  };
  if (kind === 'otp')
    return `code ${v('kind')} · ${v('channel')} · ${v('purpose')}${v('ip') ? ` · from ${v('ip')}` : ''}${v('country') ? ` (${v('country')})` : ''}${s.fromLink ? ' · the code the customer reported' : ''}`;
  if (kind === 'login')
    return `login from a new device ${v('deviceId')}${v('country') ? ` in ${v('country')}` : ''}${v('ip') ? ` · ${v('ip')}` : ''}`;
  if (kind === 'alert') return `open alert: ${v('rule').replaceAll('_', ' ')} (${v('severity')})`;
  return `${v('field') || 'contact'} changed`;
}

/** An account as a line to pick from: name or platform id, and its contacts as the role may see them. */
const accountLabel = (a: {
  externalId: string;
  displayName: string | null;
  email?: string | null;
  phone?: string | null;
}) =>
  [a.displayName ? `${a.displayName} (${a.externalId})` : a.externalId, a.email, a.phone].filter(Boolean).join(' · ');

/** The accounts matching the agent's search; a list showing full contacts is logged as a view of them. */
async function findAccountsToLink(ctx: ServiceContext, find: string) {
  const found = await searchAccounts(ctx, { q: find }, 10);
  const shown = contactsShown(found.contactsMasked, found.items);
  if (shown.length > 0) await logContactViews(ctx, shown);
  return found.items.map((a) => ({ id: a.id, label: accountLabel(a) }));
}

export default async function ReportPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const ctx = await pageContext();
  if (!can(ctx.actor, 'reports.view')) notFound();
  const { id } = await params;
  let found;
  try {
    found = await reportDetail(ctx, id);
  } catch (error) {
    if (isServiceError(error) && error.code === 'not_found') notFound();
    throw error;
  }
  const { report, account, candidates, evidence, messages, timeline, assignee } = found;
  const now = new Date();
  const canTriage = can(ctx.actor, 'reports.triage');
  // The manual link: the agent searches accounts the way /accounts does (same masking for the role).
  const find = (param(await searchParams, 'find') ?? '').trim().slice(0, maxSearchLength);
  const staff = canTriage ? await assignableStaff(ctx) : [];
  const results = !account && canTriage && find ? await findAccountsToLink(ctx, find) : null;
  const search = { q: find, maxLength: maxSearchLength, results };
  const events = [
    ...messages.map((m) => ({
      at: m.createdAt,
      who: m.author ?? 'staff',
      what: m.visibility === 'public' ? 'replied to the customer' : 'noted',
      text: m.body,
    })),
    ...timeline
      .filter((t) => t.action !== 'report.note' && t.action !== 'report.reply')
      .map((t) => ({
        at: t.occurredAt,
        who: t.actorEmail,
        what: t.action.replace('report.', '').replaceAll('_', ' '),
        text: t.reason,
      })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime());
  return (
    <div className="space-y-4">
      <div>
        <Link href="/reports" className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
          ← Report queue
        </Link>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-xl font-semibold">
            {report.reference}{' '}
            <span className="text-base font-normal text-slate-600 dark:text-slate-400">
              · {categoryLabels[report.category]}
            </span>
          </h1>
          <PriorityBadge priority={report.priority} />
          <ReportStatusBadge status={report.status} />
        </div>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Filed <TimeAgo date={report.createdAt} now={now} /> · due {utcLabel(report.dueAt)} · the customer sees “
          {report.publicStatus.replaceAll('_', ' ')}”
        </p>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <Card title="What the customer told us">
          <p className="text-sm whitespace-pre-wrap">{report.description}</p>
          <dl className="mt-3">
            {Object.entries(report.details).map(([k, v]) => (
              <Field key={k} label={detailLabels[k] ?? k}>
                <span className={`${mono} break-all`}>{v}</span>
              </Field>
            ))}
            <Field label="When it happened">{report.occurredAt ? utcLabel(report.occurredAt) : 'not said'}</Field>
            <Field label="E-mail">{report.email ?? '—'}</Field>
            <Field label="Phone">{report.phone ?? '—'}</Field>
            <Field label="Contact preference">{report.contactPreference ?? 'not said'}</Field>
            <Field label="Filed through">{report.source === 'api' ? 'the store’s app' : 'the web form'}</Field>
          </dl>
        </Card>
        <Card title="Account and triage">
          {account ? (
            <dl>
              <Field label="Account">
                <Link href={`/accounts/${account.id}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                  {account.displayName ?? account.externalId}
                </Link>
              </Field>
              <Field label="Account status">{account.status}</Field>
            </dl>
          ) : (
            <div className="space-y-2">
              <p className="text-sm">
                {candidates.length > 1
                  ? `${candidates.length} accounts match this contact; pick the right one.`
                  : 'No account matches the e-mail or phone given.'}
              </p>
              {canTriage ? (
                <LinkAccountForm
                  reportId={report.id}
                  version={report.version}
                  candidates={candidates.map((c) => ({ id: c.id, label: accountLabel(c) }))}
                  search={search}
                />
              ) : null}
            </div>
          )}
          <dl className="mt-3 border-t border-slate-200 pt-3 dark:border-slate-800">
            <Field label="Assignee">{assignee?.name ?? 'unassigned'}</Field>
            {report.resolution ? <Field label="Resolution">{report.resolution.replaceAll('_', ' ')}</Field> : null}
          </dl>
          {canTriage ? (
            <div className="mt-3">
              <ReportActions
                reportId={report.id}
                version={report.version}
                moves={[...allowedReportMoves[report.status]]}
                assignedToMe={assignee?.id === ctx.actor.id}
                assigneeId={assignee?.id ?? null}
                staff={staff}
                canPlaybook={can(ctx.actor, 'accounts.act')}
                account={
                  account
                    ? { id: account.id, version: account.version, label: account.displayName ?? account.externalId }
                    : null
                }
              />
            </div>
          ) : (
            <p className="mt-3 text-sm text-slate-600 dark:text-slate-400">
              Your role reads reports; agents and admins work them.
            </p>
          )}
        </Card>
      </div>
      <Card title={`Evidence attached at filing (${evidence.length})`}>
        {evidence.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {account
              ? 'Nothing suspicious on the account around the report.'
              : 'Link the report to an account to see its evidence.'}
          </p>
        ) : (
          <DataTable label="Report evidence" framed={false} columns={['Time (UTC)', 'Kind', 'What']}>
            {evidence.map((e) => (
              <tr key={`${e.kind}:${e.refId}`}>
                <td className={`${td} whitespace-nowrap`}>{utcLabel(e.occurredAt).replace(' UTC', '')}</td>
                <td className={td}>{e.kind.replace('_', ' ')}</td>
                <td className={td}>
                  {e.kind === 'alert' ? (
                    <Link href={`/alerts/${e.refId}`} className="text-indigo-700 hover:underline dark:text-indigo-300">
                      {evidenceLine(e.kind, e.summary)}
                    </Link>
                  ) : (
                    evidenceLine(e.kind, e.summary)
                  )}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </Card>
      <Card title="Timeline">
        <ol className="space-y-2 text-sm" aria-label="Report timeline">
          <li>
            <span className="text-slate-600 dark:text-slate-400">{utcLabel(report.createdAt)}</span> · the customer
            filed the report
          </li>
          {events.map((e, i) => (
            <li key={i}>
              <span className="text-slate-600 dark:text-slate-400">{utcLabel(e.at)}</span> · {e.who} {e.what}
              {e.text ? <div className="whitespace-pre-wrap text-slate-700 dark:text-slate-300">{e.text}</div> : null}
            </li>
          ))}
        </ol>
        {canTriage && report.status !== 'resolved' && report.status !== 'rejected' ? (
          <div className="mt-4 border-t border-slate-200 pt-4 dark:border-slate-800">
            <ReportMessageForm reportId={report.id} version={report.version} />
          </div>
        ) : null}
      </Card>
    </div>
  );
}
