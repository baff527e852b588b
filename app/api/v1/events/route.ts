import { handleIngestRequest } from '@/lib/ingest/ingest-http';

export const dynamic = 'force-dynamic';

export function POST(request: Request) {
  return handleIngestRequest(request);
}
