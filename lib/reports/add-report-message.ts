import { z } from 'zod';
import { outbox, reportMessages } from '@/db/schema';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { storableText } from '@/lib/text';
import { parseInput } from '@/lib/validation';
import { commitChange, lockForChange } from '@/lib/workflow/versioned';
import { reportCase, ReportRef, reportState, type ReportChangeResult } from './report-workflow';

const MessageInput = ReportRef.extend({
  visibility: z.enum(['internal', 'public']),
  body: storableText(4000).trim().min(1, 'is empty'),
});

/**
 * An internal note, or a public reply: it shows on the customer's status page and goes out as a notice to
 * the e-mail (else the phone) they reported with, in the same transaction.
 */
export async function addReportMessage(ctx: ServiceContext, input: unknown): Promise<ReportChangeResult> {
  authorize(ctx, 'reports.triage');
  const data = parseInput(MessageInput, input);
  return withTransaction(ctx, async (tx) => {
    const report = await lockForChange(tx, reportCase, data.reportId);
    const updated = await commitChange(tx, reportCase, report, {
      version: data.version,
      set: {},
      action: data.visibility === 'public' ? 'report.reply' : 'report.note',
      // The audit row references the report; the text stays in report_messages, where erasure can reach it (the
      // audit log is append-only and never holds what a customer or a reply to them said).
      reason: null,
    });
    await tx.db
      .insert(reportMessages)
      .values({ reportId: report.id, visibility: data.visibility, authorId: ctx.actor.id, body: data.body });
    const to = report.email ?? report.phone;
    if (data.visibility === 'public' && to) {
      await tx.db.insert(outbox).values({
        kind: 'notice',
        accountId: report.accountId,
        topic: 'report.reply',
        payload: {
          channel: report.email ? 'email' : 'sms',
          to,
          text: `About your report ${report.reference}: ${data.body}`,
          reference: report.reference,
        },
      });
    }
    const message =
      data.visibility === 'public' ? 'Reply sent: the customer sees it on the status page.' : 'Note added.';
    return { changed: true, message, report: reportState(updated) };
  });
}
