import { apiRoute } from '@/app/_adapters/api-route';
import { patchAlert } from '@/lib/alerts/patch-alert';

export const dynamic = 'force-dynamic';

/**
 * PATCH /api/v1/alerts/{id} — staff only (API keys only read alerts) → 200 with the result; 400 names what is
 * wrong (a missing reason to resolve or dismiss); 409 an illegal move or a stale version, with the alert as it
 * is now in `current`; 404 an unknown or malformed id.
 */
export const PATCH = apiRoute<{ id: string }>(
  { auth: 'staff', rate: 'change', body: {}, keyRefusal: 'API keys can read alerts, not change them.' },
  ({ ctx, params, body }) => patchAlert(ctx, params.id, body),
);
