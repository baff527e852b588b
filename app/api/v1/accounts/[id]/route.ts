import { apiRoute, Reply } from '@/app/_adapters/api-route';
import { eraseAccountByPlatformId } from '@/lib/accounts/erase-account';

export const dynamic = 'force-dynamic';

/**
 * DELETE /api/v1/accounts/{platformAccountId} — erase the customer's personal data (lib/accounts/erase-account.ts):
 * 202 `{ erasedAt }` (the first `erasedAt` again when repeated), 409 `{ error: "legal_hold" }` while the account is
 * held, 404 for an account Vigil never saw. An API key with accounts:erase.
 */
export const DELETE = apiRoute<{ id: string }>(
  {
    auth: 'key',
    scope: 'accounts:erase',
    rate: 'change',
    forbidden: 'This API key may not erase accounts (it needs the accounts:erase scope).',
  },
  async ({ ctx, params }) => {
    const { erasedAt } = await eraseAccountByPlatformId(ctx, params.id);
    return new Reply({ erasedAt }, 202);
  },
);
