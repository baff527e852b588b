import { cameFromLoopbackPeer } from '@/app/_adapters/loopback-peer';
import { renderMetrics } from '@/lib/monitoring/metrics';
import { scrapeAccess } from '@/lib/monitoring/scrape-access';

export const dynamic = 'force-dynamic';

/*
 * Prometheus scrapes, outside apiRoute on purpose (as /api/health is): it must answer while the database is
 * down, to say so, and a scraper is neither an API key nor a staff member. proxy.ts lets /metrics through
 * without the console's sign-in redirect.
 */
export async function GET(request: Request) {
  const access = scrapeAccess({
    authorization: request.headers.get('authorization'),
    loopbackPeer: cameFromLoopbackPeer(request.headers),
  });
  if (access === 'unauthorized') {
    return Response.json(
      { error: 'unauthorized', message: 'Send the metrics token: "Authorization: Bearer <VIGIL_METRICS_TOKEN>".' },
      { status: 401, headers: { 'WWW-Authenticate': 'Bearer', 'Cache-Control': 'no-store' } },
    );
  }
  if (access === 'forbidden') {
    return Response.json(
      {
        error: 'forbidden',
        message:
          'Without VIGIL_METRICS_TOKEN, /metrics answers only scrapes from this machine that came through no proxy.',
      },
      { status: 403, headers: { 'Cache-Control': 'no-store' } },
    );
  }
  const { contentType, text } = await renderMetrics();
  return new Response(text, { headers: { 'Content-Type': contentType, 'Cache-Control': 'no-store' } });
}
