import { z } from 'zod';
import { getDb, type Db } from '@/db/client';
import { serviceContext } from '@/lib/context';
import { isServiceError } from '@/lib/errors';
import { ApiError } from '@/lib/http/api-error';
import { apiCaller } from '@/lib/http/api-caller';
import { handleApi, json } from '@/lib/http/api-response';
import { withDeadline } from '@/lib/http/database-errors';
import { handleStaffChange } from '@/lib/http/staff-change';
import { acknowledgeAlert } from './acknowledge-alert';
import { alertsForApi } from './alerts-for-api';
import { assignAlert } from './assign-alert';
import { dismissAlert } from './dismiss-alert';
import { resolveAlert } from './resolve-alert';

interface Options {
  db?: () => Promise<Db>;
}

/** GET /api/v1/alerts — an API key with alerts:read, or a staff session. */
export function handleAlertsRequest(request: Request, options: Options = {}): Promise<Response> {
  return handleApi(request, () =>
    withDeadline(
      (async () => {
        const db = await (options.db ?? getDb)();
        const actor = await apiCaller(db, request, 'alerts:read');
        try {
          return json(await alertsForApi(serviceContext(db, actor), new URL(request.url).searchParams));
        } catch (error) {
          if (isServiceError(error) && error.code === 'forbidden')
            throw new ApiError(
              403,
              'forbidden',
              'This caller may not read alerts (API keys need the alerts:read scope).',
            );
          throw error;
        }
      })(),
    ),
  );
}

const PatchBody = z.union([
  z
    .object({
      status: z.enum(['acknowledged', 'resolved', 'dismissed']),
      reason: z.string().optional(),
      version: z.unknown(),
    })
    .strict(),
  z.object({ assigneeId: z.string().nullable(), version: z.unknown() }).strict(),
]);

/**
 * PATCH /api/v1/alerts/{id} — staff only (API keys only read alerts). One change a request:
 * `{ status, reason?, version }` or `{ assigneeId | null, version }` → 200 with the result;
 * 400 names what is wrong (a missing reason to resolve or dismiss); 409 an illegal move or a stale
 * version, with the alert as it is now in `current`.
 */
export function handleAlertPatch(request: Request, alertId: string, options: Options = {}): Promise<Response> {
  return handleStaffChange(request, alertId, options, {
    keyRefusal: 'API keys can read alerts, not change them.',
    missing: 'No such alert.',
    body: PatchBody,
    shapes: 'either { status, reason?, version } or { assigneeId, version }',
    apply: (db, actor, change) => {
      const version = change.version as number;
      if ('assigneeId' in change)
        return assignAlert(serviceContext(db, actor), { alertId, version, assigneeId: change.assigneeId });
      if (change.status === 'acknowledged') return acknowledgeAlert(serviceContext(db, actor), { alertId, version });
      const move = change.status === 'resolved' ? resolveAlert : dismissAlert;
      return move(serviceContext(db, actor), { alertId, version, reason: change.reason });
    },
  });
}
