import { apiRoute } from '@/app/_adapters/api-route';
import { readStream, type StreamKind } from '@/lib/streams/read-stream';

/**
 * GET /api/v1/stream/{events|alerts|audit}: NDJSON, one record a line, oldest first; the cursor of the next page in
 * `Vigil-Next-Cursor` (the same cursor again when nothing new has committed: poll with it).
 */
export function streamRoute(kind: StreamKind) {
  return apiRoute(
    {
      auth: 'key',
      scope: `stream:${kind}`,
      rate: 'read',
      forbidden: `This API key may not read the ${kind} stream (it needs the stream:${kind} scope).`,
    },
    async ({ ctx, query }) => {
      const page = await readStream(ctx, kind, { cursor: query.get('cursor'), limit: query.get('limit') });
      const body = page.records.map((r) => JSON.stringify(r)).join('\n');
      return new Response(body === '' ? '' : `${body}\n`, {
        status: 200,
        headers: {
          'content-type': 'application/x-ndjson; charset=utf-8',
          'cache-control': 'no-store',
          'Vigil-Next-Cursor': page.nextCursor,
        },
      });
    },
  );
}
