import { z } from 'zod';
import { reportResolutions, reportStatuses } from '@/db/schema';
import {
  apiKey,
  databaseUnavailable,
  errorResponse,
  jsonBodyErrors,
  jsonContent,
  jsonSchema,
  ok,
  pathParameter,
  publicOperation,
  ref,
  retryLater,
  staffChangeResponses,
  staffSession,
  type OpenApiFragment,
} from '@/lib/openapi/components';
import { publicStatuses } from './public-status';
import { ReportInput } from './report-input';
import { LinkRequest } from './report-links';

/** What POST /api/v1/reports answers (fileReport in lib/services/reports/file-report.ts). */
export const ReportFiled = z.object({ reference: z.string(), status: z.literal('received') });
/** POST /api/v1/accounts/{platformAccountId}/report-links (lib/reports/report-links.ts). */
export const ReportLink = z.object({ url: z.url(), expiresAt: z.iso.datetime() });
/** The body of POST /api/v1/reports/status (StatusQuery in lib/reports/public-status.ts). */
export const ReportStatusQuery = z.object({
  reference: z.string().min(1).max(20),
  contact: z.string().min(1).max(320).describe('The e-mail or phone the report was filed with'),
});
/** What POST /api/v1/reports/status answers (publicReportStatus in lib/reports/public-status.ts). */
export const ReportStatusAnswer = z.object({
  reference: z.string(),
  status: z.enum(publicStatuses),
  replies: z.array(z.object({ at: z.iso.datetime(), body: z.string() })),
});

// The bodies PATCH /api/v1/reports/{id} accepts (lib/reports/patch-report.ts checks the shape,
// lib/services/reports/move-report.ts and assign-report.ts each value).
const version = z.number().int().min(1).describe('The version you read; a stale one is a 409');
export const ReportMove = z
  .object({
    status: z.enum(reportStatuses),
    resolution: z.enum(reportResolutions).optional().describe('Required to resolve'),
    note: z.string().max(1000).optional(),
    version,
  })
  .strict();
export const ReportAssignment = z
  .object({ assigneeId: z.uuid().nullable().describe('An active agent or admin, or null to unassign'), version })
  .strict();
/** The answer to a change (ReportChangeResult in lib/services/reports/report-workflow.ts). */
export const ReportChangeResult = z.object({
  changed: z.boolean(),
  message: z.string(),
  report: z.object({
    id: z.uuid(),
    status: z.enum(reportStatuses),
    assigneeId: z.uuid().nullable(),
    version: z.number().int(),
    resolution: z.enum(reportResolutions).nullable(),
    accountId: z.uuid().nullable(),
  }),
});

/** POST /api/v1/reports, POST /api/v1/reports/status, PATCH /api/v1/reports/{id} (lib/reports/patch-report.ts). */
export const reportsOpenApi: OpenApiFragment = {
  tag: { name: 'Reports', description: 'Fraud reports customers file, and their status' },
  paths: {
    '/api/v1/reports': {
      post: {
        operationId: 'fileReport',
        summary: 'A customer files a fraud report (public)',
        description:
          "Public. The platform's apps may add `Authorization: Bearer <key>` with the reports:write scope to skip the per-IP limit (a wrong or unscoped key is then a 401 or 403). E-mail or phone required. Limits: reports per hour per client IP and per contact; over them, 429 with Retry-After.",
        tags: ['Reports'],
        security: publicOperation,
        requestBody: { required: true, content: jsonContent(ref('ReportInput')) },
        responses: {
          '201': ok('Filed', 'ReportFiled'),
          '400': errorResponse('Invalid fields (named in fieldErrors) or malformed JSON; nothing stored'),
          '401': errorResponse('An unknown or revoked API key, or a key sent anywhere but the Authorization header'),
          '403': errorResponse('The API key sent lacks the reports:write scope'),
          ...jsonBodyErrors(),
          '429': retryLater('Over a limit'),
          '503': databaseUnavailable(),
        },
      },
    },
    '/api/v1/reports/status': {
      post: {
        operationId: 'reportStatus',
        summary: 'The public status and replies of a report (public)',
        description:
          'For whoever holds its reference and contact. The contact travels in the body, never in a URL. A wrong reference and a wrong contact give the same 404.',
        tags: ['Reports'],
        security: publicOperation,
        requestBody: { required: true, content: jsonContent(ref('ReportStatusQuery')) },
        responses: {
          '200': ok('The report', 'ReportStatusAnswer'),
          '400': errorResponse('Missing fields (named in fieldErrors) or malformed JSON'),
          '404': errorResponse('No report with this reference and contact (the same answer for either being wrong)'),
          ...jsonBodyErrors(),
          '429': retryLater('Over the lookup limit per client IP'),
          '503': databaseUnavailable(),
        },
      },
    },
    '/api/v1/accounts/{platformAccountId}/report-links': {
      post: {
        operationId: 'requestReportLink',
        summary: 'A "not me" link for one of the platform\'s own messages',
        description:
          'The link opens the report form about this account with the named events attached; valid 7 days, usable once (opening it does not use it up). It is opaque: it reveals nothing by itself.',
        tags: ['Reports'],
        security: [apiKey('reports:write')],
        parameters: [pathParameter('platformAccountId', "The platform's account id")],
        requestBody: { required: true, content: jsonContent(ref('ReportLinkRequest')) },
        responses: {
          '201': ok('The link', 'ReportLink'),
          '400': errorResponse('eventIds missing, too many, or not events of this account (named in fieldErrors)'),
          '401': errorResponse('No API key, or an unknown or revoked one'),
          '403': errorResponse('The API key lacks the reports:write scope'),
          '404': errorResponse('Vigil has never seen this account'),
          ...jsonBodyErrors(),
          '429': retryLater('Over the rate limit of the key'),
          '503': databaseUnavailable(),
        },
      },
    },
    '/api/v1/reports/{id}': {
      patch: {
        operationId: 'changeReport',
        summary: 'Move a report along the workflow or assign it (staff session only)',
        description:
          'One change a request: `{ status, resolution?, note?, version }` or `{ assigneeId, version }`. API keys file reports, they do not work them.',
        tags: ['Reports'],
        security: [staffSession],
        parameters: [pathParameter('id', "The report's id", { type: 'string', format: 'uuid' })],
        requestBody: {
          required: true,
          content: jsonContent({ oneOf: [ref('ReportMove'), ref('ReportAssignment')] }),
        },
        responses: staffChangeResponses(
          'report',
          'ReportChangeResult',
          'a wrong value (a resolution is required to resolve; named in fieldErrors)',
          'A skipped step or a stale version',
        ),
      },
    },
  },
  schemas: {
    ReportInput: jsonSchema(ReportInput),
    ReportLinkRequest: jsonSchema(LinkRequest),
    ReportLink: jsonSchema(ReportLink, 'output'),
    ReportFiled: jsonSchema(ReportFiled, 'output'),
    ReportStatusQuery: jsonSchema(ReportStatusQuery),
    ReportStatusAnswer: jsonSchema(ReportStatusAnswer, 'output'),
    ReportMove: jsonSchema(ReportMove),
    ReportAssignment: jsonSchema(ReportAssignment),
    ReportChangeResult: jsonSchema(ReportChangeResult, 'output'),
  },
};
