import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { parseInput } from '@/lib/validation';
import { AlertRef, moveAlert, type AlertChangeResult } from './alert-workflow';

/** open → acknowledged: someone is on it. */
export async function acknowledgeAlert(
  db: Db,
  actor: Actor,
  input: { alertId: string; version: number | string },
): Promise<AlertChangeResult> {
  requirePermission(actor, 'alerts.manage');
  return moveAlert(db, actor, parseInput(AlertRef, input), 'acknowledged', null);
}
