import { checkDatabase } from '@/lib/health/check-database';

export const dynamic = 'force-dynamic';

export async function GET() {
  const db = await checkDatabase();
  const up = db.status === 'up';
  return Response.json(
    { status: up ? 'ok' : 'unavailable', database: db },
    { status: up ? 200 : 503, headers: { 'Cache-Control': 'no-store', ...(up ? {} : { 'Retry-After': '5' }) } },
  );
}
