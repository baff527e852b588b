import { z } from 'zod';
import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { isServiceError } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import { AlertRef, moveAlert, Reason } from './alert-workflow';

const BulkInput = z.discriminatedUnion('to', [
  z.object({ to: z.literal('acknowledged'), alerts: z.array(AlertRef).min(1, 'select at least one alert').max(200) }),
  z.object({
    to: z.literal('dismissed'),
    alerts: z.array(AlertRef).min(1, 'select at least one alert').max(200),
    reason: Reason,
  }),
]);

export interface BulkResult {
  changed: number;
  unchanged: number;
  conflicts: number;
  message: string;
}

/**
 * Acknowledges or dismisses (with one reason) several alerts: each is its own change, with its own version
 * check and audit row, so one alert someone else just changed does not block the rest; the summary says which.
 */
export async function bulkChangeAlerts(
  db: Db,
  actor: Actor,
  input: { to: string; alerts: { alertId: string; version: number | string }[]; reason?: string },
): Promise<BulkResult> {
  requirePermission(actor, 'alerts.manage');
  const data = parseInput(BulkInput, input);
  const result = { changed: 0, unchanged: 0, conflicts: 0 };
  for (const ref of data.alerts) {
    try {
      const r = await moveAlert(db, actor, ref, data.to, data.to === 'dismissed' ? data.reason : null);
      result[r.changed ? 'changed' : 'unchanged'] += 1;
    } catch (error) {
      if (isServiceError(error) && (error.code === 'conflict' || error.code === 'not_found')) result.conflicts += 1;
      else throw error;
    }
  }
  const verb = data.to === 'acknowledged' ? 'acknowledged' : 'dismissed';
  const parts = [`${result.changed} ${verb}`];
  if (result.unchanged > 0) parts.push(`${result.unchanged} already ${verb}`);
  if (result.conflicts > 0)
    parts.push(`${result.conflicts} skipped (changed by someone else or closed; reload to see them)`);
  return { ...result, message: `${parts.join(', ')}.` };
}
