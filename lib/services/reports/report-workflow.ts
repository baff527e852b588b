import type { z } from 'zod';
import type { Db, Tx } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { authorize, serviceContext, withTransaction } from '@/lib/context';
import { conflict } from '@/lib/errors';
import {
  reportCase,
  ReportRef,
  reportState,
  type ReportChangeResult,
  type ReportRow,
} from '@/lib/reports/report-workflow';
import { commitChange, lockForChange } from '@/lib/workflow/versioned';

export { ReportRef, type ReportChangeResult };

/**
 * @deprecated Transitional: only ./secure-account-playbook.ts still calls this (its rewrite on a plain
 * `(ctx, input)` verb is another branch's work); delete this file once it no longer does. Report verbs are
 * plain functions in lib/reports/ built on lib/workflow/versioned.ts.
 */
export async function changeReport(
  db: Db,
  actor: Actor,
  ref: z.infer<typeof ReportRef>,
  change: {
    action: `report.${string}`;
    refuse?: (r: ReportRow) => string | null;
    set: Record<string, never>;
    reason?: string | null;
    after?: (tx: Tx, r: ReportRow) => Promise<void>;
    done: string;
  },
  tx?: Tx,
): Promise<ReportChangeResult> {
  const ctx = serviceContext(tx ?? db, actor);
  authorize(ctx, 'reports.triage');
  return withTransaction(ctx, async (t) => {
    const report = await lockForChange(t, reportCase, ref.reportId);
    const refusal = change.refuse?.(report);
    if (refusal) throw conflict(refusal, reportState(report));
    const updated = await commitChange(t, reportCase, report, {
      version: ref.version,
      set: change.set,
      action: change.action,
      reason: change.reason,
    });
    await change.after?.(t.db, report);
    return { changed: true, message: change.done, report: reportState(updated) };
  });
}
