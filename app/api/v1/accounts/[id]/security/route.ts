import { handleSecurityRequest } from '@/lib/accounts/security-http';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  // Next has already decoded the path segment.
  return handleSecurityRequest(request, (await params).id);
}
