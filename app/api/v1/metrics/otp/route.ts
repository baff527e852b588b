import { handleOtpMetricsRequest } from '@/lib/metrics/metrics-http';

export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  return handleOtpMetricsRequest(request);
}
