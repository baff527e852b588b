import { z } from 'zod';
import type { ServiceContext } from '@/lib/context';
import { parseApiChange } from '@/lib/workflow/api-change';
import { acknowledgeAlert } from './acknowledge-alert';
import type { AlertChangeResult } from './alert-workflow';
import { assignAlert } from './assign-alert';
import { dismissAlert } from './dismiss-alert';
import { resolveAlert } from './resolve-alert';

const AlertPatch = z.union([
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
 * PATCH /api/v1/alerts/{id}: one change a request, `{ status, reason?, version }` or `{ assigneeId | null,
 * version }`, handed to the verb that makes it (each authorizes the actor).
 */
export function patchAlert(ctx: ServiceContext, alertId: string, body: unknown): Promise<AlertChangeResult> {
  const change = parseApiChange(alertId, body, {
    missing: 'No such alert.',
    body: AlertPatch,
    shapes: 'either { status, reason?, version } or { assigneeId, version }',
  });
  const version = change.version as number;
  if ('assigneeId' in change) return assignAlert(ctx, { alertId, version, assigneeId: change.assigneeId });
  if (change.status === 'acknowledged') return acknowledgeAlert(ctx, { alertId, version });
  const move = change.status === 'resolved' ? resolveAlert : dismissAlert;
  return move(ctx, { alertId, version, reason: change.reason });
}
