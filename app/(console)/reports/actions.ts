'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/lib/database';
import { runAction, signedOut, type ActionResult } from '@/lib/actions/action-result';
import { currentActor } from '@/lib/auth/current-actor';
import { serviceContext } from '@/lib/context';
import { invalid } from '@/lib/errors';
import { addReportMessage } from '@/lib/services/reports/add-report-message';
import { assignReport } from '@/lib/services/reports/assign-report';
import { bulkReports } from '@/lib/services/reports/bulk-reports';
import { linkReportAccount } from '@/lib/services/reports/link-report-account';
import { moveReport } from '@/lib/services/reports/move-report';
import { secureAccountPlaybook } from '@/lib/reports/secure-account-playbook';

/** One change to one report from its page: `intent` picks the service; each checks role, input and version. */
export async function reportAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const actor = await currentActor();
  if (!actor) return signedOut;
  const f = Object.fromEntries([...form.entries()].filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const result = await runAction<undefined>(actor.requestId, async () => {
    const db = await getDb();
    const services: Record<string, () => Promise<{ message: string }>> = {
      move: () => moveReport(db, actor, f),
      claim: () => assignReport(db, actor, { ...f, assigneeId: actor.id }),
      assign: () => assignReport(db, actor, { ...f, assigneeId: f.assigneeId || null }),
      message: () => addReportMessage(db, actor, f),
      link: () => linkReportAccount(db, actor, f),
      playbook: () => secureAccountPlaybook(serviceContext(db, actor), f),
    };
    const intent = f.intent ?? '';
    if (!Object.hasOwn(services, intent))
      throw invalid('Invalid input: intent', { intent: ['is not a report action'] });
    const { message } = await services[intent]!();
    return { message };
  });
  revalidatePath('/reports', 'layout');
  return result;
}

/** Bulk assign or close as duplicate from the queue; `selection` is a JSON list of { reportId, version }. */
export async function bulkReportAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const actor = await currentActor();
  if (!actor) return signedOut;
  const result = await runAction<undefined>(actor.requestId, async () => {
    let reports: unknown = [];
    try {
      const raw = form.get('selection');
      reports = JSON.parse(typeof raw === 'string' ? raw : '[]');
    } catch {
      reports = [];
    }
    const { message } = await bulkReports(await getDb(), actor, {
      operation: form.get('operation'),
      assigneeId: form.get('assigneeId'),
      reports,
    });
    return { message };
  });
  revalidatePath('/reports', 'layout');
  return result;
}
