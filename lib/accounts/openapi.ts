import { z } from 'zod';
import {
  apiKey,
  databaseUnavailable,
  errorResponse,
  jsonSchema,
  ok,
  pathParameter,
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

/** GET /api/v1/accounts/{platformAccountId}/security (lib/accounts/security-http.ts). */
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
  },
  schemas: { SecurityState: jsonSchema(SecurityStateBody, 'output') },
};
