import type { Metadata } from 'next';
import { ReportForm } from '@/components/customer-report/report-form';

export const metadata: Metadata = { title: 'Report a problem with your account' };
// Rendered per request: the CSP nonce reaches Next's scripts only on a dynamic render.
export const dynamic = 'force-dynamic';

/**
 * `?otp=<otpId>` comes from the "Didn't ask for this code?" link in a code's message. It is only passed
 * on with the report; nothing is looked up here, so the page shows nothing about the account.
 */
const otpIdFrom = (value: string | string[] | undefined) =>
  typeof value === 'string' && /^[\x21-\x7e]{1,128}$/.test(value) ? value : undefined;

export default async function ReportPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { otp } = await searchParams;
  return <ReportForm otpId={otpIdFrom(otp)} />;
}
