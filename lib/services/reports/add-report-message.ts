import { z } from 'zod';
import type { Db } from '@/db/client';
import { outbox, reportMessages } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { storableText } from '@/lib/text';
import { parseInput } from '@/lib/validation';
import { changeReport, ReportRef, type ReportChangeResult } from './report-workflow';

const MessageInput = ReportRef.extend({
  visibility: z.enum(['internal', 'public']),
  body: storableText(4000).trim().min(1, 'is empty'),
});

/**
 * An internal note, or a public reply: it shows on the customer's status page and goes out as a notice to
 * the e-mail (else the phone) they reported with, in the same transaction.
 */
export async function addReportMessage(db: Db, actor: Actor, input: unknown): Promise<ReportChangeResult> {
  requirePermission(actor, 'reports.triage');
  const data = parseInput(MessageInput, input);
  return changeReport(db, actor, data, {
    action: data.visibility === 'public' ? 'report.reply' : 'report.note',
    set: {},
    reason: data.body.slice(0, 500),
    after: async (tx, r) => {
      await tx
        .insert(reportMessages)
        .values({ reportId: r.id, visibility: data.visibility, authorId: actor.id, body: data.body });
      const to = r.email ?? r.phone;
      if (data.visibility === 'public' && to) {
        await tx.insert(outbox).values({
          kind: 'notice',
          accountId: r.accountId,
          topic: 'report.reply',
          payload: {
            channel: r.email ? 'email' : 'sms',
            to,
            text: `About your report ${r.reference}: ${data.body}`,
            reference: r.reference,
          },
        });
      }
    },
    done: data.visibility === 'public' ? 'Reply sent: the customer sees it on the status page.' : 'Note added.',
  });
}
