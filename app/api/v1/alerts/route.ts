import { handleAlertsRequest } from '@/lib/alerts/alerts-http';

export const dynamic = 'force-dynamic';

export function GET(request: Request) {
  return handleAlertsRequest(request);
}
