import type { Metadata } from 'next';
import { pageContext } from '@/app/_adapters/page-context';
import { Sparkline } from '@/components/charts/lazy-charts';
import { channelColors, outcomeColors } from '@/components/charts/palette';
import { Stat } from '@/components/ui/stat';
import { overviewCounts } from '@/lib/overview/overview-counts';
import { formatChange, formatCount, formatRate } from '@/lib/format';
import { loginMetrics } from '@/lib/metrics/login-metrics';
import { channelsFailingLong } from '@/lib/notifications/health';
import { otpMetrics } from '@/lib/metrics/otp-metrics';

export const metadata: Metadata = { title: 'Overview' };

const hourMs = 3_600_000;
const pct = formatRate;
const change = (current: number | null, previous: number | null, kind: 'count' | 'rate') =>
  formatChange(current, previous, kind, 'the 24 h before');

export default async function OverviewPage() {
  const ctx = await pageContext();
  const now = new Date();
  const to = new Date(Math.ceil((now.getTime() + 1) / hourMs) * hourMs);
  const from = new Date(to.getTime() - 24 * hourMs);
  const before = new Date(from.getTime() - 24 * hourMs);
  const window = (a: Date, b: Date) => ({ from: a, to: b, granularity: 'hour' as const, groupBy: 'none' as const });
  const [counts, otp, otpBefore, logins, loginsBefore, failingChannels] = await Promise.all([
    overviewCounts(ctx),
    otpMetrics(ctx, window(from, to)),
    otpMetrics(ctx, window(before, from)),
    loginMetrics(ctx, window(from, to)),
    loginMetrics(ctx, window(before, from)),
    channelsFailingLong(ctx, now),
  ]);
  const otpRows = otp.series[0]!.buckets.map((b) => ({
    start: b.start,
    issued: b.issued,
    conversion: b.conversionRate,
  }));
  const loginRows = logins.series[0]!.buckets.map((b) => ({
    start: b.start,
    failureRate: b.failureRate ?? 0,
    failed: b.failed,
  }));
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Overview</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          The last 24 hours (hourly UTC buckets, the current hour included), against the 24 hours before.
        </p>
      </div>
      {failingChannels.length > 0 ? (
        <div
          role="alert"
          className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-100"
        >
          <p className="font-medium">
            {failingChannels.length === 1
              ? 'A notification channel has been failing for more than a day'
              : `${failingChannels.length} notification channels have been failing for more than a day`}
            : nobody is told through {failingChannels.length === 1 ? 'it' : 'them'}. Messages wait and go out once{' '}
            {failingChannels.length === 1 ? 'it is' : 'they are'} back.
          </p>
          <p className="mt-1">
            {failingChannels.map((c) => `${c.type} ${c.target}`).join(', ')} —{' '}
            <a href="/admin/notifications" className="font-medium underline">
              Admin → Notifications
            </a>
          </p>
        </div>
      ) : null}
      <div className="grid gap-4 sm:grid-cols-2 xl:grid-cols-3">
        <Stat
          label="OTPs issued"
          value={formatCount(otp.totals.issued)}
          detail={change(otp.totals.issued, otpBefore.totals.issued, 'count')}
          href="/analytics?range=24h"
        >
          <Sparkline rows={otpRows} dataKey="issued" color={channelColors.sms!} />
        </Stat>
        <Stat
          label="OTP conversion rate"
          value={pct(otp.totals.conversionRate)}
          detail={change(otp.totals.conversionRate, otpBefore.totals.conversionRate, 'rate')}
          href="/analytics?range=24h"
        >
          <Sparkline rows={otpRows} dataKey="conversion" color={channelColors.totp!} />
        </Stat>
        <Stat
          label="Login failure rate"
          value={pct(logins.totals.failureRate)}
          detail={change(logins.totals.failureRate, loginsBefore.totals.failureRate, 'rate')}
          href="/analytics?range=24h"
        >
          <Sparkline rows={loginRows} dataKey="failed" color={outcomeColors.failed} />
        </Stat>
        {counts.alerts ? (
          <Stat
            label="Open alerts"
            value={formatCount(counts.alerts.open)}
            detail={
              counts.alerts.open === 0
                ? 'Nothing waits for a look.'
                : `${formatCount(counts.alerts.urgent)} critical or high · ${formatCount(counts.alerts.unassigned)} unassigned`
            }
            href="/alerts?status=open"
          />
        ) : null}
        {counts.reports ? (
          <Stat
            label="New fraud reports"
            value={formatCount(counts.reports.new)}
            detail={
              counts.reports.overdue === 0
                ? 'No open report is past its SLA.'
                : `${formatCount(counts.reports.overdue)} open past their SLA`
            }
            href="/reports?status=new"
          />
        ) : null}
        <Stat
          label="Accounts"
          value={formatCount(counts.accounts)}
          detail={`${formatCount(counts.lockedAccounts)} locked by staff`}
          href="/accounts"
        />
      </div>
    </div>
  );
}
