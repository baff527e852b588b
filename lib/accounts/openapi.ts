import { z } from 'zod';
import {
  apiKey,
  databaseUnavailable,
  errorResponse,
  jsonSchema,
  ok,
  pathParameter,
  staffSession,
  type OpenApiFragment,
} from '@/lib/openapi/components';

/** What GET /api/v1/accounts/{platformAccountId}/security answers (SecurityState in lib/accounts/security-state.ts). */
export const SecurityStateBody = z.object({
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

const records = z.array(z.record(z.string(), z.unknown()));
/** What GET /api/v1/accounts/{platformAccountId}/export streams (lib/accounts/export-account.ts). */
export const AccountExportBody = z.object({
  exportedAt: z.iso.datetime(),
  account: z.record(z.string(), z.unknown()).describe('Profile, contacts and the state staff imposed'),
  loginEvents: records,
  otpEvents: records,
  accountEvents: records,
  alerts: records.describe('Each with `evidence`: this account’s events only'),
  reports: records.describe('Each with `messages` (author by role) and `evidence`'),
  staffActions: records.describe('Audit rows about the account: action, byRole, at, reason, before, after'),
  noticesAndWebhooks: records,
});

/** GET /api/v1/accounts/{platformAccountId}/security and …/export (lib/accounts). */
export const accountsOpenApi: OpenApiFragment = {
  tag: { name: 'Accounts', description: 'What staff imposed on the platform’s accounts' },
  paths: {
    '/api/v1/accounts/{platformAccountId}/security': {
      get: {
        operationId: 'getAccountSecurity',
        summary: 'What staff imposed on an account, beside what the platform last reported',
        description:
          'Call it at login and payment time. `status` locked, `passwordResetRequired`, `twoFactor.required`, `twoFactor.disableRequired` and `sessionsValidAfter` are imposed by staff; `reported` is what the platform sent in events.',
        tags: ['Accounts'],
        security: [apiKey('accounts:read')],
        parameters: [pathParameter('platformAccountId', "The platform's account id, as sent in events")],
        responses: {
          '200': ok('The security state', 'SecurityState'),
          '401': errorResponse(
            'Missing, unknown or revoked API key, or a key sent anywhere but the Authorization header',
          ),
          '403': errorResponse('The key lacks the accounts:read scope'),
          '404': errorResponse('Vigil has never seen this account'),
          '503': databaseUnavailable(),
        },
      },
    },
    '/api/v1/accounts/{platformAccountId}': {
      delete: {
        operationId: 'eraseAccount',
        summary: 'Erase a customer’s personal data',
        description:
          'Removes or irreversibly pseudonymises the customer’s name, contacts, IPs, device ids, user agents and report contact fields everywhere Vigil keeps them (raw events, held events, alert evidence, reports, notices, outbox). Counts in charts stay. The rows move to a random account id, so a later event for the same platform id starts a fresh account; the erased account’s security state and export answer 404. Repeating the call answers 202 with the first `erasedAt`. Refused while the account is under legal hold (an open alert or report, or a hold set by an admin). The `account.erased` webhook tells the platform.',
        tags: ['Accounts'],
        security: [apiKey('accounts:erase')],
        parameters: [pathParameter('platformAccountId', "The platform's account id, as sent in events")],
        responses: {
          '202': ok('Erased (or erased before)', 'AccountErased'),
          '401': errorResponse('Missing, unknown or revoked API key'),
          '403': errorResponse('The key lacks the accounts:erase scope'),
          '404': errorResponse('Vigil has never seen this account'),
          '409': errorResponse('`legal_hold`: the account is under legal hold; nothing was changed'),
          '503': databaseUnavailable(),
        },
      },
    },
    '/api/v1/accounts/{platformAccountId}/export': {
      get: {
        operationId: 'exportAccount',
        summary: 'Everything Vigil holds about a customer, as one JSON document',
        description:
          'For a data-subject access request: the profile and contacts, every stored event, alerts with this account’s evidence (an IP alert’s other accounts are left out), reports with their messages, staff actions on the account (staff named by role) and the notices and webhooks sent about it. Streamed, so an account with millions of events does not load into memory; served as a download. Every export is audited. Admins download the same from the account page.',
        tags: ['Accounts'],
        security: [apiKey('accounts:export'), staffSession],
        parameters: [pathParameter('platformAccountId', "The platform's account id, as sent in events")],
        responses: {
          '200': ok('The document (Content-Disposition: attachment)', 'AccountExport'),
          '401': errorResponse('Missing, unknown or revoked API key'),
          '403': errorResponse('The key lacks the accounts:export scope, or the staff member is not an admin'),
          '404': errorResponse('Vigil has never seen this account, or it was erased'),
          '503': databaseUnavailable(),
        },
      },
    },
  },
  schemas: {
    SecurityState: jsonSchema(SecurityStateBody, 'output'),
    AccountExport: jsonSchema(AccountExportBody, 'output'),
    AccountErased: jsonSchema(z.object({ erasedAt: z.iso.datetime() }), 'output'),
  },
};
