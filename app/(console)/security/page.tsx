import type { Metadata } from 'next';
import { pageContext } from '@/app/_adapters/page-context';
import {
  AddPasskey,
  ChangePasswordForm,
  NewRecoveryCodesForm,
  RemoveFactorButton,
} from '@/components/forms/my-security-forms';
import { EnrolAuthenticatorApp } from '@/components/forms/second-factor-forms';
import { StaffSessionsTable } from '@/components/tables/staff-sessions-table';
import { Card } from '@/components/ui/card';
import { TimeAgo } from '@/components/ui/time-ago';
import { listOwnFactors, listOwnSessions } from '@/lib/staff/staff-sessions';

export const metadata: Metadata = { title: 'My security' };

/** Every staff member's own page: second factors, recovery codes, password, and where they are signed in. */
export default async function MySecurityPage() {
  const ctx = await pageContext();
  const [factors, sessions] = await Promise.all([listOwnFactors(ctx), listOwnSessions(ctx)]);
  const now = new Date();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">My security</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {ctx.actor.email}: how you sign in to Vigil, and where you are signed in now.
        </p>
      </div>
      <Card title="Second factors">
        <ul className="divide-y divide-slate-200 text-sm dark:divide-slate-800">
          {factors.map((f) => (
            <li key={f.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <span>{f.label}</span>
              <span className="text-slate-600 dark:text-slate-400">
                added <TimeAgo date={f.createdAt} now={now} />, last used <TimeAgo date={f.lastUsedAt} now={now} />
              </span>
              {factors.length > 1 ? <RemoveFactorButton factorId={f.id} label={`Remove ${f.label}`} /> : null}
            </li>
          ))}
        </ul>
        <div className="max-w-sm space-y-2 pt-2">
          <AddPasskey />
          {factors.some((f) => f.kind === 'totp') ? null : (
            <details>
              <summary className="cursor-pointer text-sm font-medium">Add an authenticator app</summary>
              <div className="pt-2">
                <EnrolAuthenticatorApp callbackPath="/security" offerPasskey={false} />
              </div>
            </details>
          )}
        </div>
        <p className="pt-2 text-xs text-slate-600 dark:text-slate-400">
          Your last second factor cannot be removed: every staff member signs in with one.
        </p>
      </Card>
      <Card title="Recovery codes">
        <NewRecoveryCodesForm />
      </Card>
      <Card title="Password">
        <ChangePasswordForm />
      </Card>
      <div>
        <h2 className="text-base font-semibold">Where you are signed in</h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Not you? End that session, then change your password.
        </p>
      </div>
      <StaffSessionsTable sessions={sessions} showStaff={false} label="My sessions" />
    </div>
  );
}
