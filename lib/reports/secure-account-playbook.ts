import { z } from 'zod';
import type { Db } from '@/db/client';
import { reportMessages } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { conflict } from '@/lib/errors';
import { applyAccountAction, type AccountActionResult } from '@/lib/services/accounts/account-action';
import { forcePasswordResetSpec } from '@/lib/services/accounts/force-password-reset';
import { lockAccountSpec } from '@/lib/services/accounts/lock-account';
import { revokeSessionsSpec } from '@/lib/services/accounts/revoke-sessions';
import { storableText } from '@/lib/text';
import { parseInput } from '@/lib/validation';
import { changeReport, ReportRef, type ReportChangeResult } from './report-workflow';

const PlaybookInput = ReportRef.extend({
  accountVersion: z.coerce.number({ error: 'is required (the account version you saw)' }).int().min(1),
  idempotencyKey: z.string().min(8, 'is required (one per submission)').max(90),
  lock: z.preprocess((v) => v === true || v === 'on' || v === 'true', z.boolean()),
  note: storableText(1000).trim().min(1, 'is required: say why'),
});

/**
 * "Secure account": force a password reset and revoke every session (and lock, if asked) on the report's
 * account, through the agent-action services, all in one transaction with the report's note — each action
 * audited on the account, the playbook audited on the report. A retry with the same key changes nothing.
 */
export async function secureAccountPlaybook(
  db: Db,
  actor: Actor,
  input: unknown,
): Promise<ReportChangeResult & { actions: AccountActionResult[] }> {
  requirePermission(actor, 'reports.triage');
  requirePermission(actor, 'accounts.act');
  const data = parseInput(PlaybookInput, input);
  return db.transaction(async (tx) => {
    const actions: AccountActionResult[] = [];
    let summary = '';
    const result = await changeReport(
      db,
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
            ['reset', forcePasswordResetSpec],
            ['revoke', revokeSessionsSpec],
            ...(data.lock ? ([['lock', lockAccountSpec]] as const) : []),
          ] as const;
          for (const [suffix, spec] of steps) {
            const done = await applyAccountAction(
              t,
              actor,
              {
                accountId: r.accountId!,
                version,
                idempotencyKey: `${data.idempotencyKey}:${suffix}`,
                reasonCode: 'fraud_report',
                note: `Report ${r.reference}: ${data.note}`,
              },
              spec,
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
      tx,
    );
    return { ...result, message: summary || result.message, actions };
  });
}
