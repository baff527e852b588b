import Link from 'next/link';
import type { ReactNode } from 'react';
import { AlertStatusBadge, SeverityBadge } from '@/components/alerts/alert-badges';
import { categoryLabels, PriorityBadge, ReportStatusBadge } from '@/components/reports/report-badges';
import { DataTable } from '@/components/tables/data-table';
import { Badge, type Tone } from '@/components/ui/badge';
import { mono } from '@/components/ui/styles';
import { TimeAgo, utcLabel } from '@/components/ui/time-ago';
import type { CodeRow, TimelineItem, TimelineKind } from '@/lib/accounts/account-timeline';
import { countryName } from '@/lib/format';

export const kindLabels: Record<TimelineKind, string> = {
  login: 'Sign-in',
  code: 'Code',
  change: 'Account change',
  staff: 'Staff action',
  alert: 'Alert',
  report: 'Fraud report',
  notice: 'Notice',
};

const loginFailure: Record<string, string> = {
  bad_password: 'wrong password',
  unknown_account: 'unknown account',
  account_locked: 'account locked',
  otp_failed: 'code not verified',
  other: 'other reason',
};
const codeTone: Record<string, Tone> = {
  issued: 'info',
  delivered: 'info',
  verified: 'good',
  failed: 'high',
  delivery_failed: 'medium',
};
const codeKind: Record<string, string> = {
  issued: 'issued',
  delivered: 'delivered',
  verified: 'verified',
  failed: 'failed',
  delivery_failed: 'undelivered',
};
const channelLabel: Record<string, string> = { sms: 'SMS', email: 'e-mail', voice: 'voice', totp: 'authenticator app' };
const purposeLabel: Record<string, string> = {
  login: 'login',
  transaction: 'payment',
  delivery: 'delivery hand-over',
  password_reset: 'password reset',
  contact_change: 'contact change',
};
const fieldLabel = { email: 'E-mail', phone: 'Phone' } as const;
const muted = 'text-xs text-slate-600 dark:text-slate-400';
const link = 'text-indigo-700 hover:underline dark:text-indigo-300';

/** Seconds from the code's issue to its first event of `kind`, from the events' own times; null when either is missing. */
function secondsTo(row: CodeRow, kind: 'delivered' | 'verified'): number | null {
  const issued = row.events.find((e) => e.kind === 'issued');
  const end = row.events.find((e) => e.kind === kind);
  return issued && end
    ? Math.max(0, Math.round((end.occurredAt.getTime() - issued.occurredAt.getTime()) / 1000))
    : null;
}
const duration = (s: number) => (s < 120 ? `${s} s` : `${Math.round(s / 60)} min`);

function Code({ row }: { row: CodeRow }) {
  const failures = row.events.filter((e) => e.kind === 'failed').length;
  const arrived = secondsTo(row, 'delivered');
  const used = secondsTo(row, 'verified');
  return (
    <details className="group">
      <summary className="cursor-pointer">
        <Badge tone={codeTone[row.outcome] ?? 'low'}>{codeKind[row.outcome] ?? row.outcome}</Badge> Code by{' '}
        {channelLabel[row.channel] ?? row.channel} for {purposeLabel[row.purpose] ?? row.purpose}
        <span className={muted}>
          {' '}
          · {row.events.length} event{row.events.length === 1 ? '' : 's'}
          {failures > 0 ? `, ${failures} wrong` : ''}
          {arrived !== null ? ` · arrived in ${duration(arrived)}` : ''}
          {used !== null ? ` · used after ${duration(used)}` : ''}
        </span>
      </summary>
      <ol className="mt-1 space-y-0.5 border-l-2 border-slate-200 pl-3 dark:border-slate-700" aria-label="Code events">
        {row.events.map((e) => (
          <li key={e.id} className="flex flex-wrap items-center gap-x-2 text-xs">
            <span className="text-slate-600 dark:text-slate-400">{utcLabel(e.occurredAt)}</span>
            <Badge tone={codeTone[e.kind] ?? 'low'}>{codeKind[e.kind] ?? e.kind}</Badge>
            {e.failureReason ? <span>{e.failureReason.replaceAll('_', ' ')}</span> : null}
            {e.ip ? <span className={mono}>{e.ip}</span> : null}
            {e.country ? <span>{e.country}</span> : null}
          </li>
        ))}
        <li className={`${muted} ${mono}`}>code id {row.otpId}</li>
      </ol>
    </details>
  );
}

function What({ item }: { item: TimelineItem }): ReactNode {
  switch (item.kind) {
    case 'login':
      return item.outcome === 'succeeded' ? (
        <>
          <Badge tone="good">succeeded</Badge> Signed in{item.method ? ` with ${item.method}` : ''}
        </>
      ) : (
        <>
          <Badge tone="high">failed</Badge> Sign-in failed: {loginFailure[item.failureReason ?? 'other'] ?? 'other'}
        </>
      );
    case 'code':
      return <Code row={item} />;
    case 'change':
      if (item.change === 'password_changed') return <>Password changed</>;
      if (item.change === '2fa_changed')
        return item.twoFactorEnabled ? (
          <>
            <Badge tone="good">2FA on</Badge> 2FA turned on{item.twoFactorMethod ? ` (${item.twoFactorMethod})` : ''}
          </>
        ) : (
          <>
            <Badge tone="high">2FA off</Badge> 2FA turned off
          </>
        );
      return (
        <>
          <Badge tone="high">contact</Badge> {item.field ? fieldLabel[item.field] : 'Contact'} changed{' '}
          {item.oldValue ? (
            <>
              from <span className={mono}>{item.oldValue}</span>{' '}
            </>
          ) : null}
          to <span className={mono}>{item.newValue ?? '—'}</span>
        </>
      );
    case 'staff':
      return (
        <>
          <strong>{item.action.replace('account.', '').replaceAll('_', ' ')}</strong> by {item.actorEmail}
          {item.reason ? <div className="text-slate-700 dark:text-slate-300">{item.reason}</div> : null}
        </>
      );
    case 'alert':
      return (
        <>
          <SeverityBadge severity={item.severity} /> Alert raised: {item.title}{' '}
          <AlertStatusBadge status={item.status} />
          <div className={muted}>
            {item.evidenceCount} piece{item.evidenceCount === 1 ? '' : 's'} of evidence ·{' '}
            {item.assignee ?? 'unassigned'}
          </div>
        </>
      );
    case 'report':
      return (
        <>
          <PriorityBadge priority={item.priority} /> Report <span className={mono}>{item.reference}</span> filed:{' '}
          {categoryLabels[item.category] ?? item.category} <ReportStatusBadge status={item.status} />
          <div className={muted}>{item.assignee ?? 'unassigned'}</div>
        </>
      );
    case 'notice':
      return (
        <>
          Told the customer by {channelLabel[item.channel] ?? item.channel}
          {item.to ? (
            <>
              {' '}
              at <span className={mono}>{item.to}</span>
            </>
          ) : null}{' '}
          <Badge tone="low">{item.status}</Badge>
          {/* A notice carries a long report link: it wraps anywhere rather than running out of a phone's screen. */}
          <div className="wrap-anywhere text-slate-700 dark:text-slate-300">{item.text}</div>
        </>
      );
  }
}

function Where({ item }: { item: TimelineItem }) {
  if (!item.ip && !item.deviceId && !item.country) return <span className="hidden text-slate-400 md:inline">—</span>;
  const login = item.kind === 'login' ? item : null;
  return (
    <div className="flex flex-wrap items-center gap-x-2 gap-y-0.5 md:block md:space-y-0.5">
      <div className="md:whitespace-nowrap">
        {item.ip ? <span className={mono}>{item.ip}</span> : null}
        {item.ip && item.country ? ' · ' : null}
        {item.country ? <span title={countryName(item.country)}>{item.country}</span> : null}
        {login?.firstSeenCountry ? (
          <>
            {' '}
            <Badge tone="medium" title="No earlier login of this account came from this country">
              new country
            </Badge>
          </>
        ) : null}
      </div>
      {item.deviceId ? (
        <div>
          <span className={mono} title={item.userAgent ?? undefined}>
            {item.deviceId}
          </span>
          {login?.firstSeenDevice ? (
            <>
              {' '}
              <Badge tone="medium" title="No earlier login of this account came from this device">
                new device
              </Badge>
            </>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function Links({ item }: { item: TimelineItem }) {
  const links: { href: string; label: string }[] = [];
  if (item.kind === 'alert') links.push({ href: `/alerts/${item.id}`, label: 'Open alert' });
  if (item.kind === 'report') links.push({ href: `/reports/${item.id}`, label: 'Open report' });
  for (const e of item.evidenceFor)
    links.push({
      href: `/${e.type}s/${e.id}`,
      label: `Evidence of ${e.type === 'alert' ? e.label : `report ${e.label}`}`,
    });
  if (links.length === 0) return null;
  return (
    <ul className="flex flex-wrap gap-x-3 md:block md:space-y-0.5">
      {links.map((l) => (
        <li key={l.href}>
          <Link href={l.href} className={link}>
            {l.label}
          </Link>
        </li>
      ))}
    </ul>
  );
}

// On a phone the rows stack: time and kind on one line, then what happened, where, and the links.
const cell = 'block px-3 py-0.5 md:table-cell md:py-2 md:align-top';

/** The account's one history: every kind of row, newest first (lib/accounts/account-timeline.ts). */
export function AccountTimeline({ items, now }: { items: TimelineItem[]; now: Date }) {
  return (
    <DataTable
      label="Account timeline"
      columns={['Time', 'Kind', 'What happened', 'Where', 'Links']}
      framed={false}
      stacked
    >
      {items.map((item) => (
        <tr
          key={`${item.kind}:${item.id}`}
          data-row={`${item.kind}:${item.id}`}
          className="block py-2 md:table-row md:py-0"
        >
          <td className={`${cell} inline-block pr-0 font-medium md:pr-3 md:font-normal`}>
            <TimeAgo date={item.occurredAt} now={now} />
          </td>
          <td className={`${cell} inline-block whitespace-nowrap text-slate-600 dark:text-slate-400`}>
            {kindLabels[item.kind]}
          </td>
          <td className={`${cell} md:min-w-64`}>
            <What item={item} />
          </td>
          <td className={`${cell} text-xs md:text-sm`}>
            <Where item={item} />
          </td>
          <td className={`${cell} md:min-w-44`}>
            <Links item={item} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
