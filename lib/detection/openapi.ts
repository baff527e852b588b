import { z } from 'zod';
import { alertRules, alertSubjectTypes, backtestStatuses } from '@/db/schema';
import {
  databaseUnavailable,
  errorResponse,
  jsonBodyErrors,
  jsonContent,
  jsonSchema,
  ok,
  pathParameter,
  ref,
  staffSession,
  type OpenApiFragment,
} from '@/lib/openapi/components';
import { BacktestRequest } from './backtest-jobs';

const Subject = z.object({ subjectType: z.enum(alertSubjectTypes), subjectId: z.string() });
const Difference = z.object({
  count: z.number().int(),
  accounts: z
    .number()
    .int()
    .describe("Distinct accounts behind these alerts (the account, or an IP's or prefix's evidence)"),
  confirmedFraudAccounts: z.number().int().describe('Of those, accounts with a report resolved as confirmed fraud'),
  sample: z.array(Subject).describe('Up to 20 of them'),
});

/** A backtest's result (BacktestResult in lib/detection/backtest.ts). */
export const BacktestResultBody = z.object({
  rule: z.enum(alertRules),
  days: z.number().int(),
  from: z.string(),
  to: z.string(),
  subjects: z.number().int().describe('Accounts, IPs or countries whose events were read'),
  wouldRaise: z.number().int().describe('Alerts the proposed settings would raise (one per subject)'),
  raised: z.number().int().describe('Subjects the rule raised an alert on in the span'),
  kept: z.number().int(),
  added: Difference.describe('Would be raised, were not'),
  removed: Difference.extend({
    resolved: z.number().int(),
    dismissed: z.number().int(),
    active: z.number().int(),
  }).describe('Were raised, would not be, with what staff decided'),
  summary: z.string().describe('The sentence the rules page shows'),
});

/** A backtest job (BacktestJob in lib/detection/backtest-jobs.ts). */
export const BacktestJobBody = z.object({
  id: z.uuid(),
  rule: z.string(),
  settings: z.record(z.string(), z.unknown()),
  days: z.number().int(),
  status: z.enum(backtestStatuses),
  done: z.number().int().describe('Subjects read so far'),
  total: z.number().int().nullable().describe('Subjects to read, once known'),
  result: BacktestResultBody.nullable(),
  error: z.string().nullable(),
  requestedBy: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});

const id = pathParameter('id', "The backtest's id", { type: 'string', format: 'uuid' });
const staffOnly = {
  '401': errorResponse('No staff session'),
  '403': errorResponse('An API key was sent, a cross-site request, or a role that may not backtest (agents)'),
  '503': databaseUnavailable(),
};

/** The detection-rule backtests behind Detection rules → Preview (app/api/v1/detection/backtests). */
export const detectionOpenApi: OpenApiFragment = {
  tag: { name: 'Detection', description: 'Trying rule settings on stored history before saving them' },
  paths: {
    '/api/v1/detection/backtests': {
      post: {
        operationId: 'requestBacktest',
        summary: 'Re-run one rule with proposed settings over the last N days (staff session only)',
        description:
          'Queues a read-only re-run of `rule` with `settings` (every field of that rule, as on the rules page) over the stored events of the last `days` (1–90, default 30), and answers 202 with the job. Poll GET /api/v1/detection/backtests/{id} for progress and the result. A new request cancels the same person’s unfinished one. Requested and finished backtests are audited.',
        tags: ['Detection'],
        security: [staffSession],
        requestBody: { required: true, content: jsonContent(ref('BacktestRequest')) },
        responses: {
          '202': { description: 'Queued', content: jsonContent(ref('BacktestJob')) },
          '400': errorResponse('Malformed JSON, an unknown rule, or a setting out of range (named in fieldErrors)'),
          ...staffOnly,
          ...jsonBodyErrors(),
        },
      },
    },
    '/api/v1/detection/backtests/{id}': {
      get: {
        operationId: 'getBacktest',
        summary: 'A backtest: status, progress and, once done, the result (staff session only)',
        tags: ['Detection'],
        security: [staffSession],
        parameters: [id],
        responses: {
          '200': ok('The backtest', 'BacktestJob'),
          '404': errorResponse('No backtest with this id (a malformed id gives the same answer)'),
          ...staffOnly,
        },
      },
    },
    '/api/v1/detection/backtests/{id}/cancel': {
      post: {
        operationId: 'cancelBacktest',
        summary: 'Stop a queued or running backtest (staff session only)',
        description: 'A running backtest stops after the chunk in hand. A finished one is answered as it is.',
        tags: ['Detection'],
        security: [staffSession],
        parameters: [id],
        responses: {
          '200': ok('The backtest as it is now', 'BacktestJob'),
          '404': errorResponse('No backtest with this id (a malformed id gives the same answer)'),
          ...staffOnly,
        },
      },
    },
  },
  schemas: {
    BacktestRequest: jsonSchema(BacktestRequest),
    BacktestJob: jsonSchema(BacktestJobBody, 'output'),
  },
};
