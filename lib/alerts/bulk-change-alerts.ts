import { z } from 'zod';
import { authorize, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/validation';
import { bulkSummary, changeEach } from '@/lib/workflow/bulk';
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
  ctx: ServiceContext,
  input: { to: string; alerts: { alertId: string; version: number | string }[]; reason?: string },
): Promise<BulkResult> {
  authorize(ctx, 'alerts.manage');
  const data = parseInput(BulkInput, input);
  const reason = data.to === 'dismissed' ? data.reason : null;
  const tally = await changeEach(data.alerts, (ref) => moveAlert(ctx, ref, data.to, reason));
  return {
    changed: tally.changed,
    unchanged: tally.unchanged,
    conflicts: tally.skipped,
    message: bulkSummary(tally, data.to, 'changed by someone else or closed; reload to see them'),
  };
}
