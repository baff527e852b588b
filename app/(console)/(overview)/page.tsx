import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { Card } from '@/components/ui/card';
import { requireStaff } from '@/lib/auth/current-actor';
import { overviewCounts } from '@/lib/data/overview';
import { formatCount, formatPercent } from '@/lib/format';

export const metadata: Metadata = { title: 'Overview' };

function Stat({ label, value, hint }: { label: string; value: string; hint?: string }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900">
      <p className="text-xs font-medium uppercase tracking-wide text-slate-600 dark:text-slate-400">{label}</p>
      <p className="mt-1 text-2xl font-semibold tabular-nums">{value}</p>
      {hint ? <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">{hint}</p> : null}
    </div>
  );
}

export default async function OverviewPage() {
  const actor = await requireStaff();
  const c = await overviewCounts(await getDb(), actor);
  const logins = c.loginsSucceeded + c.loginsFailed;
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Overview</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">The last 24 hours, in UTC.</p>
      </div>
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
        <Stat label="OTPs issued" value={formatCount(c.otpIssued)} hint={`${formatPercent(c.otpVerified, c.otpIssued)} verified (conversion)`} />
        <Stat label="Sign-ins" value={formatCount(logins)} hint={`${formatPercent(c.loginsFailed, logins)} failed`} />
        <Stat label="Accounts" value={formatCount(c.accounts)} hint={`${formatCount(c.lockedAccounts)} locked by staff`} />
        <Stat label="Failed sign-ins" value={formatCount(c.loginsFailed)} />
      </div>
      <Card title="Start here">
        <p className="text-sm text-slate-700 dark:text-slate-300">
          Look an account up by e-mail, phone, platform id or name in the bar above, or browse{' '}
          <Link href="/accounts" className="font-medium text-indigo-600 hover:underline dark:text-indigo-400">
            all accounts
          </Link>
          , most recently active first.
        </p>
      </Card>
    </div>
  );
}
