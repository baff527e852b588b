import { apiKey, databaseUnavailable, errorResponse, type OpenApiFragment } from '@/lib/openapi/components';
import { streamKinds } from './read-stream';

const what: Record<(typeof streamKinds)[number], string> = {
  events: 'every stored event (logins, codes, account changes), with the platform’s account id, and every erasure',
  alerts: 'alerts, each again with its new state whenever it changes, and every erasure',
  audit: 'the audit log',
};

const erasures =
  ' Records about an account carry `accountRef`, a keyed hash of the platform’s account id. A customer’s erasure comes as `{ "stream", "source": "erasure", "type": "account.erased", "id", "accountRef", "accountId", "erasedAt" }` at the erasure’s commit: delete the records with that `accountRef` read before it. It never carries the platform’s id (Vigil keeps it nowhere once erased); `accountId` is the pseudonymous id the erased rows moved to.';

/** GET /api/v1/stream/{events|alerts|audit} (lib/streams/read-stream.ts). */
export const streamsOpenApi: OpenApiFragment = {
  tag: { name: 'Streams', description: 'Follow events, alerts and the audit log from a SIEM or data tool' },
  paths: Object.fromEntries(
    streamKinds.map((kind) => [
      `/api/v1/stream/${kind}`,
      {
        get: {
          operationId: `stream${kind[0]!.toUpperCase()}${kind.slice(1)}`,
          summary: `Follow ${what[kind]}`,
          description:
            'NDJSON, one record a line, oldest first in the order their transactions committed. The `Vigil-Next-Cursor` response header is where the next request starts: keep it and a consumer never misses or repeats a record, across restarts. With nothing new, the page is empty and the cursor comes back unchanged: poll with it.' +
            (kind === 'audit' ? '' : erasures),
          tags: ['Streams'],
          security: [apiKey(`stream:${kind}`)],
          parameters: [
            {
              name: 'cursor',
              in: 'query',
              required: false,
              description: 'The `Vigil-Next-Cursor` of the previous page; absent: from the beginning',
              schema: { type: 'string', maxLength: 400 },
            },
            {
              name: 'limit',
              in: 'query',
              required: false,
              description: 'Records per page',
              schema: { type: 'integer', minimum: 1, maximum: 1000, default: 100 },
            },
          ],
          responses: {
            '200': {
              description: 'A page of records, one JSON object per line',
              headers: {
                'Vigil-Next-Cursor': { description: 'Where the next page starts', schema: { type: 'string' } },
              },
              content: { 'application/x-ndjson': { schema: { type: 'string' } } },
            },
            '400': errorResponse('The cursor or the limit is invalid (named in fieldErrors)'),
            '401': errorResponse('No API key, or an unknown or revoked one'),
            '403': errorResponse(`The key lacks the stream:${kind} scope`),
            '429': errorResponse('Over the read rate limit; retry after Retry-After'),
            '503': databaseUnavailable(),
          },
        },
      },
    ]),
  ),
  schemas: {},
};
