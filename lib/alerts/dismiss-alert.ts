import { authorize, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/validation';
import { AlertRef, moveAlert, Reason, type AlertChangeResult } from './alert-workflow';

const DismissInput = AlertRef.extend({ reason: Reason });

/** open | acknowledged → dismissed (final: a false alarm), with the reason staff give. */
export async function dismissAlert(
  ctx: ServiceContext,
  input: { alertId: string; version: number | string; reason?: string },
): Promise<AlertChangeResult> {
  authorize(ctx, 'alerts.manage');
  const data = parseInput(DismissInput, input);
  return moveAlert(ctx, data, 'dismissed', data.reason);
}
