'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/app/_adapters/server-action';
import type { ActionResult } from '@/lib/actions/action-result';
import { invalid } from '@/lib/errors';
import { addReportMessage } from '@/lib/reports/add-report-message';
import { assignReport } from '@/lib/reports/assign-report';
import { bulkReports } from '@/lib/reports/bulk-reports';
import { linkReportAccount } from '@/lib/reports/link-report-account';
import { moveReport } from '@/lib/reports/move-report';
import { secureAccountPlaybook } from '@/lib/reports/secure-account-playbook';

/** One change to one report from its page: `intent` picks the service; each checks role, input and version. */
export async function reportAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const f = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const result = await staffAction(async (ctx) => {
    const services: Record<string, () => Promise<{ message: string }>> = {
      move: () => moveReport(ctx, f),
      claim: () => assignReport(ctx, { ...f, assigneeId: ctx.actor.id }),
      assign: () => assignReport(ctx, { ...f, assigneeId: f.assigneeId || null }),
      message: () => addReportMessage(ctx, f),
      link: () => linkReportAccount(ctx, f),
      playbook: () => secureAccountPlaybook(ctx, f),
    };
    const intent = f.intent ?? '';
    if (!Object.hasOwn(services, intent))
      throw invalid('Invalid input: intent', { intent: ['is not a report action'] });
    const { message } = await services[intent]!();
    return { message };
  }, form);
  revalidatePath('/reports', 'layout');
  return result;
}

/** Bulk assign or close as duplicate from the queue; `selection` is a JSON list of { reportId, version }. */
export async function bulkReportAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const result = await staffAction(async (ctx) => {
    let reports: unknown = [];
    try {
      const raw = form.get('selection');
      reports = JSON.parse(typeof raw === 'string' ? raw : '[]');
    } catch {
      reports = [];
    }
    const { message } = await bulkReports(ctx, {
      operation: form.get('operation'),
      assigneeId: form.get('assigneeId'),
      reports,
    });
    return { message };
  }, form);
  revalidatePath('/reports', 'layout');
  return result;
}
