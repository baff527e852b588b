import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '@/db/client';
import { alerts, type AlertStatus } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { notFound } from '@/lib/errors';
import { applyVersionedChange } from '@/lib/services/versioned-change';
import { storableText } from '@/lib/text';

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

const stateOf = (a: typeof alerts.$inferSelect): AlertState => ({
  id: a.id,
  status: a.status,
  assigneeId: a.assigneeId,
  version: a.version,
  resolutionReason: a.resolutionReason,
});

async function lockAlert(tx: Tx, alertId: string) {
  const [alert] = await tx.select().from(alerts).where(eq(alerts.id, alertId)).for('update');
  if (!alert) throw notFound('No such alert.');
  return alert;
}

/**
 * One staff change to one alert, in one transaction with its audit row: lock the row; a change already in
 * place is reported, not repeated; otherwise the caller's version must be the current one (two agents on
 * the same version: one wins, the other gets a conflict with the fresh state).
 */
export async function changeAlert(
  db: Db,
  actor: Actor,
  ref: z.infer<typeof AlertRef>,
  change: {
    action: `alert.${string}`;
    alreadyDone: (a: typeof alerts.$inferSelect) => string | null;
    refuse?: (a: typeof alerts.$inferSelect) => string | null;
    set: Partial<typeof alerts.$inferInsert>;
    reason?: string | null;
    done: string;
  },
): Promise<AlertChangeResult> {
  requirePermission(actor, 'alerts.manage');
  const result = await db.transaction((tx) =>
    applyVersionedChange(tx, actor, {
      target: 'alert',
      action: change.action,
      version: ref.version,
      lock: (t) => lockAlert(t, ref.alertId),
      write: async (t, alert) => {
        const [updated] = await t
          .update(alerts)
          .set({ ...change.set, version: alert.version + 1, updatedAt: sql`now()` })
          .where(eq(alerts.id, alert.id))
          .returning();
        return updated!;
      },
      state: stateOf,
      auditKeys: (Object.keys(change.set) as (keyof typeof alerts.$inferSelect)[]).filter((k) => k !== 'closedAt'),
      alreadyDone: change.alreadyDone,
      refuse: change.refuse,
      reason: change.reason,
      done: change.done,
    }),
  );
  return { changed: result.changed, message: result.message, alert: result.state };
}

/** A status move (acknowledge, resolve, dismiss) with the workflow's rules. */
export function moveAlert(
  db: Db,
  actor: Actor,
  ref: z.infer<typeof AlertRef>,
  to: AlertStatus,
  reason: string | null,
): Promise<AlertChangeResult> {
  const closing = to === 'resolved' || to === 'dismissed';
  return changeAlert(db, actor, ref, {
    action: `alert.${to === 'acknowledged' ? 'acknowledge' : to === 'resolved' ? 'resolve' : 'dismiss'}`,
    alreadyDone: (a) => (a.status === to ? `This alert is already ${to}; nothing changed.` : null),
    refuse: (a) => (allowedMoves[a.status].includes(to) ? null : `An alert that is ${a.status} cannot become ${to}.`),
    set: closing ? { status: to, resolutionReason: reason, closedAt: new Date() } : { status: to },
    reason,
    done: `Alert ${to}.`,
  });
}
