import { handleAlertPatch } from '@/lib/alerts/alerts-http';

export const dynamic = 'force-dynamic';

export async function PATCH(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return handleAlertPatch(request, (await params).id);
}
