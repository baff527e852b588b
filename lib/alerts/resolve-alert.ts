import { authorize, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/validation';
import { AlertRef, moveAlert, Reason, type AlertChangeResult } from './alert-workflow';

const ResolveInput = AlertRef.extend({ reason: Reason });

/** open | acknowledged → resolved (final), with the reason staff give. */
export async function resolveAlert(
  ctx: ServiceContext,
  input: { alertId: string; version: number | string; reason?: string },
): Promise<AlertChangeResult> {
  authorize(ctx, 'alerts.manage');
  const data = parseInput(ResolveInput, input);
  return moveAlert(ctx, data, 'resolved', data.reason);
}
