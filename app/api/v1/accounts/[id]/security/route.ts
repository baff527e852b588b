import { handleSecurityRequest } from '@/lib/accounts/security-http';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  return handleSecurityRequest(request, decodeURIComponent((await params).id));
}
