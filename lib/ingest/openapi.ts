import { z } from 'zod';
import {
  apiKey,
  databaseUnavailable,
  errorResponse,
  jsonContent,
  jsonSchema,
  ok,
  ref,
  retryLater,
  type OpenApiFragment,
} from '@/lib/openapi/components';
import { IngestEvent } from './event-schema';
import { maxBatchBytes, maxEventsPerBatch } from './validate-batch';

const EventIssue = z.object({ index: z.number().int().nullable(), path: z.string(), message: z.string() });
const IngestAccepted = z.object({
  accepted: z.number().int().describe('Events stored'),
  duplicates: z
    .number()
    .int()
    .describe('Events whose id was stored before (or repeated in the batch): not stored again'),
  expired: z
    .number()
    .int()
    .describe(
      "Events older than the raw-event retention window (VIGIL_RETENTION_EVENTS_DAYS, default 180 days): not stored; the batch's other events are",
    ),
});
const IngestError = z.object({
  error: z.enum(['invalid_json', 'invalid_events']),
  message: z.string(),
  details: z.array(EventIssue).optional().describe('With `invalid_events`: every issue, by event index and path'),
});

/** POST /api/v1/events (lib/ingest/ingest-http.ts); assembled into the document by lib/openapi/document.ts. */
export const ingestOpenApi: OpenApiFragment = {
  tag: { name: 'Events', description: 'The identity platform posts login and OTP events' },
  paths: {
    '/api/v1/events': {
      post: {
        operationId: 'postEvents',
        summary: 'Post a batch of login and OTP events',
        description: `1 to ${maxEventsPerBatch} events, at most ${maxBatchBytes} bytes. All-or-nothing: if any event is invalid, nothing of the batch is stored. Idempotent by event id: a replayed event is counted as a duplicate and changes nothing (the first write wins). Checks run in this order: key (401/403), rate (429), content type (415), size (413), JSON and schema (400).`,
        tags: ['Events'],
        security: [apiKey('events:write')],
        requestBody: {
          required: true,
          content: jsonContent({
            type: 'object',
            required: ['events'],
            properties: {
              events: { type: 'array', minItems: 1, maxItems: maxEventsPerBatch, items: ref('Event') },
            },
          }),
        },
        responses: {
          '200': ok('Stored (or recognised as duplicates)', 'IngestAccepted'),
          '400': {
            description:
              'Malformed JSON (`invalid_json`) or invalid events (`invalid_events`, with details); nothing stored',
            content: jsonContent(ref('IngestError')),
          },
          '401': errorResponse(
            'Missing, unknown or revoked API key, or a key sent anywhere but the Authorization header',
          ),
          '403': errorResponse('The key lacks the events:write scope'),
          '413': errorResponse(`More than ${maxEventsPerBatch} events or more than ${maxBatchBytes} bytes`),
          '415': errorResponse('Content-Type is not application/json'),
          '429': retryLater('Over the per-key rate limit (VIGIL_INGEST_RATE_LIMIT requests per second)'),
          '503': databaseUnavailable(),
        },
      },
    },
  },
  schemas: {
    Event: jsonSchema(IngestEvent),
    IngestAccepted: jsonSchema(IngestAccepted),
    IngestError: jsonSchema(IngestError),
  },
};
