import { readiness } from '@/lib/health/readiness';

export const dynamic = 'force-dynamic';

/** 200 while this server should get traffic; 503 with the reason while the database is down or it shuts down. */
export async function GET() {
  const ready = await readiness();
  const up = ready.status === 'ok';
  return Response.json(ready, {
    status: up ? 200 : 503,
    headers: { 'Cache-Control': 'no-store', ...(up ? {} : { 'Retry-After': '5' }) },
  });
}
