import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { parseInput } from '@/lib/validation';
import { AlertRef, moveAlert, Reason, type AlertChangeResult } from './alert-workflow';

const ResolveInput = AlertRef.extend({ reason: Reason });

/** open | acknowledged → resolved (final), with the reason staff give. */
export async function resolveAlert(
  db: Db,
  actor: Actor,
  input: { alertId: string; version: number | string; reason?: string },
): Promise<AlertChangeResult> {
  requirePermission(actor, 'alerts.manage');
  const data = parseInput(ResolveInput, input);
  return moveAlert(db, actor, data, 'resolved', data.reason);
}
