import { handleLoginMetricsRequest } from '@/lib/metrics/metrics-http';

export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  return handleLoginMetricsRequest(request);
}
