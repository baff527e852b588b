import clsx from 'clsx';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { SeverityBadge } from '@/components/alerts/alert-badges';
import { PriorityBadge, ReportStatusBadge } from '@/components/reports/report-badges';
import { Badge, type Tone } from '@/components/ui/badge';
import { mono } from '@/components/ui/styles';
import { TimeAgo } from '@/components/ui/time-ago';
import type { RightNow } from '@/lib/accounts/right-now';

const methodLabel: Record<string, string> = { sms: 'SMS', email: 'e-mail', totp: 'app' };
const method = (m: string | null) => (m ? (methodLabel[m] ?? m) : 'any method');
const link = 'text-indigo-700 hover:underline dark:text-indigo-300';
const frame: Record<'alarm' | 'warn' | 'calm', string> = {
  alarm: 'border-red-300 bg-red-50 dark:border-red-900 dark:bg-red-950/40',
  warn: 'border-amber-300 bg-amber-50 dark:border-amber-900 dark:bg-amber-950/40',
  calm: 'border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900',
};

function Cell({ label, tone, children }: { label: string; tone: keyof typeof frame; children: ReactNode }) {
  return (
    <div className={clsx('min-w-0 rounded-md border px-3 py-2', frame[tone])}>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-600 dark:text-slate-400">{label}</dt>
      <dd className="mt-1 space-y-1 text-sm">{children}</dd>
    </div>
  );
}

/** What an agent must know in five seconds, above everything else on the account page. */
export function RightNowStrip({ state, now, lockReason }: { state: RightNow; now: Date; lockReason: string | null }) {
  const { openAlerts, openReports, lastContactChange: contact, twoFactor } = state;
  const held = state.status === 'locked' || state.passwordResetRequired || state.pendingTwoFactorOff;
  const twoFactorTone: Record<string, keyof typeof frame> = {
    missing: 'alarm',
    other_method: 'warn',
    removal_due: 'warn',
    on: 'calm',
    off: 'calm',
  };
  const twoFactorBadge: Record<string, [Tone, string]> = {
    missing: ['critical', 'required, not set up'],
    other_method: ['medium', 'not the required method'],
    removal_due: ['medium', 'removal approved, still on'],
    on: ['good', 'on'],
    off: ['medium', 'off'],
  };
  const [badgeTone, badgeText] = twoFactorBadge[twoFactor.standing] ?? ['low', twoFactor.standing];
  return (
    <section aria-labelledby="right-now-title">
      <h2 id="right-now-title" className="mb-1.5 text-sm font-semibold">
        Right now{' '}
        {state.needsAttention ? null : (
          <span className="font-normal text-slate-600 dark:text-slate-400">· nothing needs attention</span>
        )}
      </h2>
      <dl className="grid gap-2 sm:grid-cols-2 lg:grid-cols-5">
        <Cell label="Holds" tone={state.status === 'locked' ? 'alarm' : held ? 'warn' : 'calm'}>
          {state.status === 'locked' ? (
            <p>
              <Badge tone="critical">locked</Badge> {lockReason ?? ''}
            </p>
          ) : null}
          {state.passwordResetRequired ? (
            <p>
              <Badge tone="high">password reset required</Badge>
            </p>
          ) : null}
          {state.pendingTwoFactorOff ? <p>2FA off waiting for an admin</p> : null}
          {held ? null : <p className="text-slate-600 dark:text-slate-400">Active, no staff hold</p>}
        </Cell>
        <Cell label={`Open alerts (${openAlerts.count})`} tone={openAlerts.count > 0 ? 'alarm' : 'calm'}>
          {openAlerts.items.length === 0 ? <p className="text-slate-600 dark:text-slate-400">None</p> : null}
          {openAlerts.items.map((a) => (
            <p key={a.id}>
              <SeverityBadge severity={a.severity} />{' '}
              <Link href={`/alerts/${a.id}`} className={link}>
                {a.title}
              </Link>
            </p>
          ))}
          {openAlerts.count > openAlerts.items.length ? (
            <p className="text-xs">+{openAlerts.count - openAlerts.items.length} more in the timeline</p>
          ) : null}
        </Cell>
        <Cell label={`Open reports (${openReports.count})`} tone={openReports.count > 0 ? 'warn' : 'calm'}>
          {openReports.items.length === 0 ? <p className="text-slate-600 dark:text-slate-400">None</p> : null}
          {openReports.items.map((r) => (
            <p key={r.id}>
              <Link href={`/reports/${r.id}`} className={`${link} ${mono}`}>
                {r.reference}
              </Link>{' '}
              <PriorityBadge priority={r.priority} /> <ReportStatusBadge status={r.status} />
            </p>
          ))}
          {openReports.count > openReports.items.length ? (
            <p className="text-xs">+{openReports.count - openReports.items.length} more in the timeline</p>
          ) : null}
        </Cell>
        <Cell label="Last contact change" tone={contact?.recent ? 'warn' : 'calm'}>
          {contact ? (
            <>
              <p>
                {contact.field === 'email' ? 'E-mail' : 'Phone'} changed <TimeAgo date={contact.occurredAt} now={now} />
              </p>
              <p className={`${mono} break-all`}>{contact.value ?? '—'}</p>
            </>
          ) : (
            <p className="text-slate-600 dark:text-slate-400">None reported</p>
          )}
        </Cell>
        <Cell label="2FA" tone={twoFactor.recentlyTurnedOff ? 'warn' : (twoFactorTone[twoFactor.standing] ?? 'calm')}>
          <p>
            <Badge tone={badgeTone}>{badgeText}</Badge>
            {twoFactor.recentlyTurnedOff ? <> turned off recently</> : null}
          </p>
          <p className="text-xs text-slate-700 dark:text-slate-300">
            Reported: {twoFactor.reported.enabled ? method(twoFactor.reported.method) : 'off'}
            {twoFactor.reported.since ? (
              <>
                {' '}
                (<TimeAgo date={twoFactor.reported.since} now={now} />)
              </>
            ) : null}
            <br />
            Required: {twoFactor.required.required ? method(twoFactor.required.method) : 'no'}
          </p>
        </Cell>
      </dl>
    </section>
  );
}
