import { z } from 'zod';
import { fraudReports, type ReportStatus } from '@/db/schema';
import { caseKind } from '@/lib/workflow/versioned';

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

export const reportCase = caseKind(fraudReports, 'report', reportState, ['resolved', 'rejected']);
