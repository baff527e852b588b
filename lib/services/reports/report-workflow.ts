import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '@/db/client';
import { fraudReports, type ReportStatus } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { notFound } from '@/lib/errors';
import { applyVersionedChange } from '@/lib/services/versioned-change';

/** new → triaged → investigating ⇄ awaiting customer; any open status → resolved or rejected (final). */
export const allowedReportMoves: Record<ReportStatus, readonly ReportStatus[]> = {
  new: ['triaged', 'resolved', 'rejected'],
  triaged: ['investigating', 'resolved', 'rejected'],
  investigating: ['awaiting_customer', 'resolved', 'rejected'],
  awaiting_customer: ['investigating', 'resolved', 'rejected'],
  resolved: [],
  rejected: [],
};

export const ReportRef = z.object({
  reportId: z.uuid('is not a report id'),
  version: z.coerce.number({ error: 'is required (the version you saw)' }).int().min(1),
});

export type ReportRow = typeof fraudReports.$inferSelect;
export type ReportState = Pick<ReportRow, 'id' | 'status' | 'assigneeId' | 'version' | 'resolution' | 'accountId'>;
export const reportState = (r: ReportRow): ReportState => ({
  id: r.id,
  status: r.status,
  assigneeId: r.assigneeId,
  version: r.version,
  resolution: r.resolution,
  accountId: r.accountId,
});

export interface ReportChangeResult {
  changed: boolean;
  message: string;
  report: ReportState;
}

export async function lockReport(tx: Tx, reportId: string): Promise<ReportRow> {
  const [report] = await tx.select().from(fraudReports).where(eq(fraudReports.id, reportId)).for('update');
  if (!report) throw notFound('No such report.');
  return report;
}

/**
 * One staff change to one report in one transaction with its audit row: a change already in place is
 * reported, not repeated; otherwise the caller's version must be current (concurrent edits → conflict
 * with the fresh state).
 */
export async function changeReport(
  db: Db,
  actor: Actor,
  ref: z.infer<typeof ReportRef>,
  change: {
    action: `report.${string}`;
    alreadyDone?: (r: ReportRow) => string | null;
    refuse?: (r: ReportRow) => string | null;
    set: Partial<typeof fraudReports.$inferInsert>;
    reason?: string | null;
    after?: (tx: Tx, r: ReportRow) => Promise<void>;
    done: string;
  },
  tx?: Tx,
): Promise<ReportChangeResult> {
  requirePermission(actor, 'reports.triage');
  const work = async (t: Tx): Promise<ReportChangeResult> => {
    const result = await applyVersionedChange(t, actor, {
      target: 'report',
      action: change.action,
      version: ref.version,
      lock: (x) => lockReport(x, ref.reportId),
      write: async (x, report) => {
        const [updated] = await x
          .update(fraudReports)
          .set({ ...change.set, version: report.version + 1, updatedAt: sql`now()` })
          .where(eq(fraudReports.id, report.id))
          .returning();
        return updated!;
      },
      state: reportState,
      auditKeys: (Object.keys(change.set) as (keyof ReportRow)[]).filter((k) => k !== 'closedAt' && k !== 'dueAt'),
      alreadyDone: change.alreadyDone,
      refuse: change.refuse,
      after: change.after,
      reason: change.reason,
      done: change.done,
    });
    return { changed: result.changed, message: result.message, report: result.state };
  };
  return tx ? work(tx) : db.transaction(work);
}
