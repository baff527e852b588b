import { apiRoute } from '@/app/_adapters/api-route';
import { accountSecurity } from '@/lib/accounts/account-security-state';
import { notFound } from '@/lib/errors';

export const dynamic = 'force-dynamic';

/**
 * GET /api/v1/accounts/{platformAccountId}/security — an API key with accounts:read. The platform calls it at
 * login and payment time, so it answers from one indexed row, never caches, and has its own rate budget.
 */
export const GET = apiRoute<{ id: string }>(
  { auth: 'key', scope: 'accounts:read', rate: 'security' },
  async ({ ctx, params }) => {
    const state = await accountSecurity(ctx, params.id);
    if (!state) throw notFound('Vigil has never seen this account.');
    return state;
  },
);
