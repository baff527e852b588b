import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { parseInput } from '@/lib/validation';
import { AlertRef, moveAlert, Reason, type AlertChangeResult } from './alert-workflow';

const DismissInput = AlertRef.extend({ reason: Reason });

/** open | acknowledged → dismissed (final: a false alarm), with the reason staff give. */
export async function dismissAlert(
  db: Db,
  actor: Actor,
  input: { alertId: string; version: number | string; reason?: string },
): Promise<AlertChangeResult> {
  requirePermission(actor, 'alerts.manage');
  const data = parseInput(DismissInput, input);
  return moveAlert(db, actor, data, 'dismissed', data.reason);
}
