import { z } from 'zod';
import { alertStatuses } from '@/db/schema';
import { AlertsApiQuery } from './alerts-for-api';
import {
  apiKey,
  databaseUnavailable,
  errorResponse,
  jsonContent,
  jsonSchema,
  ok,
  pathParameter,
  queryParameters,
  ref,
  staffChangeResponses,
  staffSession,
  type OpenApiFragment,
} from '@/lib/openapi/components';
import { ApiAlertPage } from './api-alert';

// The bodies PATCH /api/v1/alerts/{id} accepts (lib/alerts/patch-alert.ts checks the shape, the services in
// lib/services/alerts/ each value).
const version = z.number().int().min(1).describe('The version you read; a stale one is a 409');
export const AlertStatusChange = z
  .object({
    status: z.enum(['acknowledged', 'resolved', 'dismissed']),
    reason: z.string().max(1000).optional().describe('Required to resolve or dismiss'),
    version,
  })
  .strict();
export const AlertAssignment = z
  .object({ assigneeId: z.uuid().nullable().describe('An active agent or admin, or null to unassign'), version })
  .strict();

/** The answer to a change (AlertChangeResult in lib/services/alerts/alert-workflow.ts). */
export const AlertChangeResult = z.object({
  changed: z.boolean(),
  message: z.string(),
  alert: z.object({
    id: z.uuid(),
    status: z.enum(alertStatuses),
    assigneeId: z.uuid().nullable(),
    version: z.number().int(),
    resolutionReason: z.string().nullable(),
  }),
});

/** GET /api/v1/alerts and PATCH /api/v1/alerts/{id} (lib/alerts/patch-alert.ts). */
export const alertsOpenApi: OpenApiFragment = {
  tag: { name: 'Alerts', description: 'Alerts raised by detection' },
  paths: {
    '/api/v1/alerts': {
      get: {
        operationId: 'listAlerts',
        summary: 'Alerts raised by detection, newest firstSeen first',
        description:
          'Keyset-paged: pass `nextCursor` back as `cursor` for the next page. `firstSeen` can move earlier when late evidence arrives, so an alert read on one page can show again on a later page of the same walk: keep the last copy of each `id`. `since` filters on `lastSeen`. An API key needs the alerts:read scope (a signed-in staff session works too).',
        tags: ['Alerts'],
        security: [apiKey('alerts:read'), staffSession],
        parameters: queryParameters(AlertsApiQuery, {
          accountId: "Alerts whose subject is this account (the platform's id)",
          since: 'Only alerts with lastSeen at or after this time',
          cursor: 'The `nextCursor` of the previous page',
        }),
        responses: {
          '200': ok('A page of alerts', 'AlertPage'),
          '400': errorResponse('A parameter is invalid (named in fieldErrors)'),
          '401': errorResponse('No API key and no staff session, or a key sent anywhere but the Authorization header'),
          '403': errorResponse('The key lacks the alerts:read scope, or a cross-site request with a session cookie'),
          '503': databaseUnavailable(),
        },
      },
    },
    '/api/v1/alerts/{id}': {
      patch: {
        operationId: 'changeAlert',
        summary: 'Acknowledge, resolve, dismiss or assign an alert (staff session only)',
        description:
          'One change a request: `{ status, reason?, version }` or `{ assigneeId, version }`. API keys only read alerts. A move the workflow forbids (resolved and dismissed are final) or a stale version is a 409.',
        tags: ['Alerts'],
        security: [staffSession],
        parameters: [pathParameter('id', "The alert's id", { type: 'string', format: 'uuid' })],
        requestBody: {
          required: true,
          content: jsonContent({ oneOf: [ref('AlertStatusChange'), ref('AlertAssignment')] }),
        },
        responses: staffChangeResponses(
          'alert',
          'AlertChangeResult',
          'a wrong value (a missing reason to resolve or dismiss, named in fieldErrors)',
          'An illegal move or a stale version',
        ),
      },
    },
  },
  schemas: {
    AlertPage: jsonSchema(ApiAlertPage, 'output'),
    AlertStatusChange: jsonSchema(AlertStatusChange),
    AlertAssignment: jsonSchema(AlertAssignment),
    AlertChangeResult: jsonSchema(AlertChangeResult, 'output'),
  },
};
