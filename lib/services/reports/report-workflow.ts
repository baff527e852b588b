import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '@/db/client';
import { fraudReports, type ReportStatus } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { recordAudit } from '@/lib/audit/record-audit';
import { conflict, notFound } from '@/lib/errors';

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
export const reportState = (r: ReportRow): ReportState => ({ id: r.id, status: r.status, assigneeId: r.assigneeId, version: r.version, resolution: r.resolution, accountId: r.accountId });

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
    const report = await lockReport(t, ref.reportId);
    const already = change.alreadyDone?.(report);
    if (already) return { changed: false, message: already, report: reportState(report) };
    const refusal = change.refuse?.(report);
    if (refusal) throw conflict(refusal, reportState(report));
    if (report.version !== ref.version) throw conflict('Someone changed this report since you loaded it. Here is how it is now; try again if it still applies.', reportState(report));
    const [updated] = await t
      .update(fraudReports)
      .set({ ...change.set, version: report.version + 1, updatedAt: sql`now()` })
      .where(eq(fraudReports.id, report.id))
      .returning();
    await change.after?.(t, report);
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    for (const key of Object.keys(change.set) as (keyof ReportRow)[]) {
      if (key === 'closedAt' || key === 'dueAt') continue;
      before[key] = report[key];
      after[key] = updated![key];
    }
    await recordAudit(t, actor, { action: change.action, targetType: 'report', targetId: report.id, reason: change.reason ?? null, before, after });
    return { changed: true, message: change.done, report: reportState(updated!) };
  };
  return tx ? work(tx) : db.transaction(work);
}
