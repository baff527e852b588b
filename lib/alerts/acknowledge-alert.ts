import { authorize, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/validation';
import { AlertRef, moveAlert, type AlertChangeResult } from './alert-workflow';

/** open → acknowledged: someone is on it. */
export async function acknowledgeAlert(
  ctx: ServiceContext,
  input: { alertId: string; version: number | string },
): Promise<AlertChangeResult> {
  authorize(ctx, 'alerts.manage');
  return moveAlert(ctx, parseInput(AlertRef, input), 'acknowledged', null);
}
