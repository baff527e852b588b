import { z } from 'zod';
import { apiKeyScopes } from '@/db/schema';
import { IngestEvent } from './event-schema';
import { maxBatchBytes, maxEventsPerBatch } from './validate-batch';

const ErrorBody = z.object({ error: z.string(), message: z.string() });
const EventIssue = z.object({ index: z.number().int().nullable(), path: z.string(), message: z.string() });
const IngestAccepted = z.object({ accepted: z.number().int(), duplicates: z.number().int() });
const InvalidEvents = ErrorBody.extend({ error: z.literal('invalid_events'), details: z.array(EventIssue) });

const schema = (s: z.ZodType) => z.toJSONSchema(s, { unrepresentable: 'any', io: 'input' });
const errorResponse = (description: string, headers?: Record<string, unknown>) => ({
  description,
  ...(headers ? { headers } : {}),
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
});
const retryAfter = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } };

let cached: ReturnType<typeof buildDocument> | undefined;

/** The machine API's contract, generated (once per process) from the same zod schemas the server validates with. */
export function openApiDocument() {
  cached ??= buildDocument();
  return cached;
}

function buildDocument() {
  return {
    openapi: '3.1.0',
    info: {
      title: 'Vigil API',
      version: '1.0.0',
      description:
        'The identity platform posts login and OTP events to Vigil. Authenticate with `Authorization: Bearer <API key>`; keys carry scopes (' +
        apiKeyScopes.join(', ') +
        ').',
    },
    paths: {
      '/api/v1/events': {
        post: {
          operationId: 'postEvents',
          summary: 'Post a batch of login and OTP events',
          description: `1 to ${maxEventsPerBatch} events, at most ${maxBatchBytes} bytes. All-or-nothing: if any event is invalid, nothing of the batch is stored. Idempotent by event id: a replayed event is counted as a duplicate and changes nothing (the first write wins). Checks run in this order: key (401/403), rate (429), content type (415), size (413), JSON and schema (400).`,
          security: [{ apiKey: ['events:write'] }],
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { type: 'object', required: ['events'], properties: { events: { type: 'array', minItems: 1, maxItems: maxEventsPerBatch, items: { $ref: '#/components/schemas/Event' } } } } } },
          },
          responses: {
            '200': { description: 'Stored (or recognised as duplicates)', content: { 'application/json': { schema: { $ref: '#/components/schemas/IngestAccepted' } } } },
            '400': { description: 'Malformed JSON (`invalid_json`) or invalid events (`invalid_events`, with details); nothing stored', content: { 'application/json': { schema: { oneOf: [{ $ref: '#/components/schemas/InvalidEvents' }, { $ref: '#/components/schemas/Error' }] } } } },
            '401': errorResponse('Missing, unknown or revoked API key, or a key sent anywhere but the Authorization header'),
            '403': errorResponse('The key lacks the events:write scope'),
            '413': errorResponse('More than 1000 events or more than 1 MiB'),
            '415': errorResponse('Content-Type is not application/json'),
            '429': errorResponse('Over the per-key rate limit', retryAfter),
            '503': errorResponse('Database unavailable; retry later', retryAfter),
          },
        },
      },
    },
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'A Vigil API key (vgl_live_…)' } },
      schemas: {
        Event: schema(IngestEvent),
        IngestAccepted: schema(IngestAccepted),
        InvalidEvents: schema(InvalidEvents),
        Error: schema(ErrorBody),
      },
    },
  };
}
