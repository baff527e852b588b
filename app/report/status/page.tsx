import type { Metadata } from 'next';
import { StatusLookupForm } from '@/components/customer-report/status-lookup-form';

export const metadata: Metadata = { title: 'Check on your report' };
// Rendered per request: the CSP nonce reaches Next's scripts only on a dynamic render.
export const dynamic = 'force-dynamic';

export default function ReportStatusPage() {
  return <StatusLookupForm />;
}
