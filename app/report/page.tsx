import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { randomUUID } from 'node:crypto';
import { clientIp } from '@/app/_adapters/client-ip';
import { NotMeForm } from '@/components/customer-report/not-me-form';
import { ReportForm } from '@/components/customer-report/report-form';
import { publicActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import { getDb } from '@/lib/database';
import { isServiceError } from '@/lib/errors';
import { openReportLink, type LinkState } from '@/lib/reports/report-links';

export const metadata: Metadata = { title: 'Report a problem with your account' };
// Rendered per request: the CSP nonce reaches Next's scripts only on a dynamic render.
export const dynamic = 'force-dynamic';

/**
 * `?otp=<otpId>` comes from the "Didn't ask for this code?" link in a code's message. It is only passed
 * on with the report; nothing is looked up here, so the page shows nothing about the account.
 */
const otpIdFrom = (value: string | string[] | undefined) =>
  typeof value === 'string' && /^[\x21-\x7e]{1,128}$/.test(value) ? value : undefined;

const linkProblem: Record<Exclude<LinkState['state'], 'valid'>, string> = {
  used: 'This link was already used to send a report, so we have it.',
  expired: 'This link has expired (links work for 7 days).',
  unknown: 'This link is not one we recognise.',
};

/** `?link=<token>` is a "not me" link from one of our messages: opening it looks it up, never uses it up. */
async function linkState(token: string): Promise<LinkState | { state: 'busy' }> {
  const h = await headers();
  const ctx = serviceContext(await getDb(), publicActor, {
    requestId: h.get('x-request-id') ?? randomUUID(),
    clientIp: clientIp(h),
  });
  try {
    return await openReportLink(ctx, token);
  } catch (error) {
    if (isServiceError(error) && error.code === 'rate_limited') return { state: 'busy' };
    throw error;
  }
}

export default async function ReportPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { otp, link } = await searchParams;
  if (typeof link === 'string' && link !== '') {
    const opened = await linkState(link);
    if (opened.state === 'valid') return <NotMeForm link={link} category={opened.category} />;
    const problem =
      opened.state === 'busy' ? 'We cannot check this link right now (too many tries).' : linkProblem[opened.state];
    return (
      <div className="space-y-6">
        <p
          role="status"
          className="rounded-lg bg-amber-50 p-3 text-base text-amber-950 dark:bg-amber-950 dark:text-amber-50"
        >
          {problem} You can still tell us what happened with the form below.
        </p>
        <ReportForm otpId={otpIdFrom(otp)} />
      </div>
    );
  }
  return <ReportForm otpId={otpIdFrom(otp)} />;
}
