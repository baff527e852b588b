import { z } from 'zod';
import { alertRules, alertSeverities, alertStatuses, apiKeyScopes } from '@/db/schema';
import { ReportInput } from '@/lib/reports/report-input';
import { IngestEvent } from './event-schema';
import { maxBatchBytes, maxEventsPerBatch } from './validate-batch';

const ErrorBody = z.object({ error: z.string(), message: z.string() });
const EventIssue = z.object({ index: z.number().int().nullable(), path: z.string(), message: z.string() });
const IngestAccepted = z.object({ accepted: z.number().int(), duplicates: z.number().int() });
const Alert = z.object({
  id: z.uuid(),
  rule: z.enum(alertRules),
  severity: z.enum(alertSeverities),
  status: z.enum(alertStatuses),
  subject: z.object({
    type: z.enum(['account', 'ip']),
    id: z.string().describe("The platform's account id, or the IP address"),
  }),
  firstSeen: z.iso.datetime().describe('Event time of the earliest evidence'),
  lastSeen: z.iso.datetime().describe('Event time of the latest evidence'),
  hitCount: z.number().int(),
  evidence: z
    .array(z.string())
    .max(100)
    .describe('Event ids (as sent in events) that triggered the alert, oldest first, at most 100'),
  evidenceCount: z.number().int(),
});
const SecurityState = z.object({
  status: z.enum(['active', 'locked']),
  passwordResetRequired: z.boolean(),
  twoFactor: z.object({
    required: z.boolean(),
    method: z.string().nullable(),
    disableRequired: z
      .boolean()
      .describe(
        'Staff approved turning 2FA off while the customer had it on by their own choice: remove the enrolment. True until you report an account.2fa_changed made after the approval.',
      ),
  }),
  sessionsValidAfter: z.iso.datetime().nullable(),
  version: z.number().int(),
  reported: z.object({
    twoFactor: z.object({ enabled: z.boolean(), method: z.string().nullable() }),
    email: z.string().nullable(),
    phone: z.string().nullable(),
  }),
});
const ReportFiled = z.object({ reference: z.string(), status: z.literal('received') });
const ReportStatusQuery = z.object({
  reference: z.string(),
  contact: z.string().describe('The e-mail or phone the report was filed with'),
});
const ReportStatusAnswer = z.object({
  reference: z.string(),
  status: z.enum(['received', 'in_review', 'waiting_for_you', 'resolved', 'closed']),
  replies: z.array(z.object({ at: z.iso.datetime(), body: z.string() })),
});
const AlertPage = z.object({ alerts: z.array(Alert), nextCursor: z.string().nullable() });
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
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  required: ['events'],
                  properties: {
                    events: {
                      type: 'array',
                      minItems: 1,
                      maxItems: maxEventsPerBatch,
                      items: { $ref: '#/components/schemas/Event' },
                    },
                  },
                },
              },
            },
          },
          responses: {
            '200': {
              description: 'Stored (or recognised as duplicates)',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/IngestAccepted' } } },
            },
            '400': {
              description:
                'Malformed JSON (`invalid_json`) or invalid events (`invalid_events`, with details); nothing stored',
              content: {
                'application/json': {
                  schema: {
                    oneOf: [{ $ref: '#/components/schemas/InvalidEvents' }, { $ref: '#/components/schemas/Error' }],
                  },
                },
              },
            },
            '401': errorResponse(
              'Missing, unknown or revoked API key, or a key sent anywhere but the Authorization header',
            ),
            '403': errorResponse('The key lacks the events:write scope'),
            '413': errorResponse('More than 1000 events or more than 1 MiB'),
            '415': errorResponse('Content-Type is not application/json'),
            '429': errorResponse('Over the per-key rate limit', retryAfter),
            '503': errorResponse('Database unavailable; retry later', retryAfter),
          },
        },
      },
      '/api/v1/accounts/{platformAccountId}/security': {
        get: {
          operationId: 'getAccountSecurity',
          summary: 'What staff imposed on an account, beside what the platform last reported',
          description:
            'Call it at login and payment time. `status` locked, `passwordResetRequired`, `twoFactor.required`, `twoFactor.disableRequired` and `sessionsValidAfter` are imposed by staff; `reported` is what the platform sent in events.',
          security: [{ apiKey: ['accounts:read'] }],
          parameters: [{ name: 'platformAccountId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': {
              description: 'The security state',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/SecurityState' } } },
            },
            '401': errorResponse('Missing, unknown or revoked API key'),
            '403': errorResponse('The key lacks the accounts:read scope'),
            '404': errorResponse('Vigil has never seen this account'),
            '503': errorResponse('Database unavailable; retry later', retryAfter),
          },
        },
      },
      '/api/v1/reports': {
        post: {
          operationId: 'fileReport',
          summary:
            'A customer files a fraud report (public; the platform’s apps may add an API key with reports:write)',
          description:
            'E-mail or phone required. Limits: reports per hour per client IP (skipped with a reports:write key) and per contact; over them, 429 with Retry-After.',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ReportInput' } } },
          },
          responses: {
            '201': {
              description: 'Filed',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ReportFiled' } } },
            },
            '400': errorResponse('Invalid fields (named in fieldErrors) or malformed JSON; nothing stored'),
            '415': errorResponse('Content-Type is not application/json'),
            '429': errorResponse('Over a limit', retryAfter),
          },
        },
      },
      '/api/v1/reports/status': {
        post: {
          operationId: 'reportStatus',
          summary: 'The public status and public replies of a report, for whoever holds its reference and contact',
          requestBody: {
            required: true,
            content: { 'application/json': { schema: { $ref: '#/components/schemas/ReportStatusQuery' } } },
          },
          responses: {
            '200': {
              description: 'The report',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/ReportStatusAnswer' } } },
            },
            '404': errorResponse('No report with this reference and contact (the same answer for either being wrong)'),
            '429': errorResponse('Over the lookup limit', retryAfter),
          },
        },
      },
      '/api/v1/alerts': {
        get: {
          operationId: 'listAlerts',
          summary: 'Alerts raised by detection, newest firstSeen first',
          description:
            'Keyset-paged: pass `nextCursor` back as `cursor` for the next page. `firstSeen` can move earlier when late evidence arrives, so an alert read on one page can show again on a later page of the same walk: keep the last copy of each `id`. `since` filters on `lastSeen`. An API key needs the alerts:read scope (a signed-in staff session works too).',
          security: [{ apiKey: ['alerts:read'] }],
          parameters: [
            {
              name: 'accountId',
              in: 'query',
              description: "Alerts whose subject is this account (the platform's id)",
              schema: { type: 'string' },
            },
            { name: 'rule', in: 'query', schema: { type: 'string', enum: [...alertRules] } },
            { name: 'status', in: 'query', schema: { type: 'string', enum: [...alertStatuses] } },
            {
              name: 'since',
              in: 'query',
              description: 'Only alerts with lastSeen at or after this time',
              schema: { type: 'string', format: 'date-time' },
            },
            { name: 'cursor', in: 'query', schema: { type: 'string' } },
            { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
          ],
          responses: {
            '200': {
              description: 'A page of alerts',
              content: { 'application/json': { schema: { $ref: '#/components/schemas/AlertPage' } } },
            },
            '400': errorResponse('A parameter is invalid (named in fieldErrors)'),
            '401': errorResponse('No API key and no staff session'),
            '403': errorResponse('The key lacks the alerts:read scope'),
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
        AlertPage: schema(AlertPage),
        SecurityState: schema(SecurityState),
        ReportInput: schema(ReportInput),
        ReportFiled: schema(ReportFiled),
        ReportStatusQuery: schema(ReportStatusQuery),
        ReportStatusAnswer: schema(ReportStatusAnswer),
      },
    },
  };
}
