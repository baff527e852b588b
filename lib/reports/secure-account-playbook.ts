import { z } from 'zod';
import { reportMessages } from '@/db/schema';
import type { AccountActionResult } from '@/lib/accounts/account-change';
import { forcePasswordReset } from '@/lib/accounts/force-password-reset';
import { lockAccount } from '@/lib/accounts/lock-account';
import { revokeSessions } from '@/lib/accounts/revoke-sessions';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { conflict } from '@/lib/errors';
import { ReportRef, reportCase, reportState, type ReportChangeResult } from './report-workflow';
import { commitChange, lockForChange } from '@/lib/workflow/versioned';
import { storableText } from '@/lib/text';
import { parseInput } from '@/lib/validation';

const PlaybookInput = ReportRef.extend({
  accountVersion: z.coerce.number({ error: 'is required (the account version you saw)' }).int().min(1),
  idempotencyKey: z.string().min(8, 'is required (one per submission)').max(90),
  lock: z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean()),
  note: storableText(1000).trim().min(1, 'is required: say why'),
});

/**
 * "Secure account": force a password reset and revoke every session (and lock, if asked) on the report's
 * account, through the account verbs (lib/accounts), all in one transaction with the report's note — each
 * action audited on the account, the playbook audited on the report. Each verb's withTransaction reuses
 * this one. A retry with the same key changes nothing.
 */
export async function secureAccountPlaybook(
  ctx: ServiceContext,
  input: unknown,
): Promise<ReportChangeResult & { actions: AccountActionResult[] }> {
  authorize(ctx, 'reports.triage');
  authorize(ctx, 'accounts.act', { stepUp: true });
  const data = parseInput(PlaybookInput, input);
  return withTransaction(ctx, async (tx) => {
    const report = await lockForChange(tx, reportCase, data.reportId);
    if (!report.accountId) throw conflict('Link the report to an account first.', reportState(report));
    if (report.status === 'resolved' || report.status === 'rejected') {
      throw conflict(`This report is ${report.status}.`, reportState(report));
    }
    const updated = await commitChange(tx, reportCase, report, {
      version: data.version,
      set: {},
      action: 'report.playbook_secure_account',
      reason: data.note,
    });
    const actions: AccountActionResult[] = [];
    let version = data.accountVersion;
    const steps = [
      ['reset', forcePasswordReset],
      ['revoke', revokeSessions],
      ...(data.lock ? ([['lock', lockAccount]] as const) : []),
    ] as const;
    for (const [suffix, verb] of steps) {
      const done = await verb(tx, {
        accountId: report.accountId,
        version,
        idempotencyKey: `${data.idempotencyKey}:${suffix}`,
        reasonCode: 'fraud_report',
        note: `Report ${report.reference}: ${data.note}`,
      });
      if (done.replayed) throw conflict('This playbook already ran for this submission.', { report: report.id });
      actions.push(done);
      version = done.state.version;
    }
    const summary = `Secure-account playbook: ${actions.map((a) => a.message.replace(/\.$/, '')).join('; ')}.`;
    await tx.db.insert(reportMessages).values({
      reportId: report.id,
      visibility: 'internal',
      authorId: tx.actor.id,
      body: `${summary} Note: ${data.note}`,
    });
    return { changed: true, message: summary, report: reportState(updated), actions };
  });
}
