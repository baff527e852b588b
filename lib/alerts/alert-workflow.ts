import { z } from 'zod';
import { alerts, type AlertStatus } from '@/db/schema';
import { withTransaction, type ServiceContext } from '@/lib/context';
import { conflict } from '@/lib/errors';
import { storableText } from '@/lib/text';
import { caseKind, commitChange, lockForChange } from '@/lib/workflow/versioned';

/** The moves staff may make; resolved and dismissed are final (a new hit then opens a new alert). */
export const allowedMoves: Record<AlertStatus, readonly AlertStatus[]> = {
  open: ['acknowledged', 'resolved', 'dismissed'],
  acknowledged: ['resolved', 'dismissed'],
  resolved: [],
  dismissed: [],
};

export const AlertRef = z.object({
  alertId: z.uuid('is not an alert id'),
  version: z.coerce.number({ error: 'is required (the version you saw)' }).int().min(1),
});
export const Reason = storableText(1000).trim().min(1, 'is required to resolve or dismiss an alert');

/** The alert's state as a conflict returns it: what the caller must look at before trying again. */
export type AlertState = Pick<
  typeof alerts.$inferSelect,
  'id' | 'status' | 'assigneeId' | 'version' | 'resolutionReason'
>;

export interface AlertChangeResult {
  changed: boolean;
  message: string;
  alert: AlertState;
}

const alertState = (a: typeof alerts.$inferSelect): AlertState => ({
  id: a.id,
  status: a.status,
  assigneeId: a.assigneeId,
  version: a.version,
  resolutionReason: a.resolutionReason,
});

export const alertCase = caseKind(alerts, 'alert', alertState, ['resolved', 'dismissed']);

const actionOf = { acknowledged: 'acknowledge', resolved: 'resolve', dismissed: 'dismiss' } as const;

/**
 * A status move (acknowledge, resolve, dismiss) with the workflow's rules, in one transaction with its audit
 * row: a move already made is reported, not repeated; a move from a final status is a conflict. The verb that
 * calls this has checked the permission and parsed the input.
 */
export function moveAlert(
  ctx: ServiceContext,
  ref: z.infer<typeof AlertRef>,
  to: Exclude<AlertStatus, 'open'>,
  reason: string | null,
): Promise<AlertChangeResult> {
  return withTransaction(ctx, async (tx) => {
    const alert = await lockForChange(tx, alertCase, ref.alertId);
    if (alert.status === to)
      return { changed: false, message: `This alert is already ${to}; nothing changed.`, alert: alertState(alert) };
    if (!allowedMoves[alert.status].includes(to))
      throw conflict(`An alert that is ${alert.status} cannot become ${to}.`, alertState(alert));
    const closing = to === 'resolved' || to === 'dismissed';
    const updated = await commitChange(tx, alertCase, alert, {
      version: ref.version,
      set: closing ? { status: to, resolutionReason: reason, closedAt: new Date() } : { status: to },
      action: `alert.${actionOf[to]}`,
      reason,
    });
    return { changed: true, message: `Alert ${to}.`, alert: alertState(updated) };
  });
}
