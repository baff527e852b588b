import { handleFileReport } from '@/lib/reports/reports-http';

export const dynamic = 'force-dynamic';

export function POST(request: Request) {
  return handleFileReport(request);
}
