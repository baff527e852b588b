import { z } from 'zod';
import { reportMessages } from '@/db/schema';
import type { AccountActionResult } from '@/lib/accounts/account-change';
import { forcePasswordReset } from '@/lib/accounts/force-password-reset';
import { lockAccount } from '@/lib/accounts/lock-account';
import { revokeSessions } from '@/lib/accounts/revoke-sessions';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { conflict } from '@/lib/errors';
import { changeReport, ReportRef, type ReportChangeResult } from '@/lib/services/reports/report-workflow';
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
  authorize(ctx, 'accounts.act');
  const data = parseInput(PlaybookInput, input);
  const { actor } = ctx;
  return withTransaction(ctx, async (tx) => {
    const actions: AccountActionResult[] = [];
    let summary = '';
    const result = await changeReport(
      ctx.db,
      actor,
      data,
      {
        action: 'report.playbook_secure_account',
        refuse: (r) =>
          !r.accountId
            ? 'Link the report to an account first.'
            : r.status === 'resolved' || r.status === 'rejected'
              ? `This report is ${r.status}.`
              : null,
        set: {},
        reason: data.note,
        after: async (t, r) => {
          let version = data.accountVersion;
          const steps = [
            ['reset', forcePasswordReset],
            ['revoke', revokeSessions],
            ...(data.lock ? ([['lock', lockAccount]] as const) : []),
          ] as const;
          for (const [suffix, verb] of steps) {
            const done = await verb(
              { ...tx, db: t },
              {
                accountId: r.accountId!,
                version,
                idempotencyKey: `${data.idempotencyKey}:${suffix}`,
                reasonCode: 'fraud_report',
                note: `Report ${r.reference}: ${data.note}`,
              },
            );
            if (done.replayed) throw conflict('This playbook already ran for this submission.', { report: r.id });
            actions.push(done);
            version = done.state.version;
          }
          summary = `Secure-account playbook: ${actions.map((a) => a.message.replace(/\.$/, '')).join('; ')}.`;
          await t.insert(reportMessages).values({
            reportId: r.id,
            visibility: 'internal',
            authorId: actor.id,
            body: `${summary} Note: ${data.note}`,
          });
        },
        done: 'Account secured.',
      },
      tx.db,
    );
    return { ...result, message: summary || result.message, actions };
  });
}
