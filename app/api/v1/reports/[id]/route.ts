import { handleReportPatch } from '@/lib/reports/reports-http';

export const dynamic = 'force-dynamic';

export async function PATCH(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return handleReportPatch(request, (await params).id);
}
