import { and, asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { fraudReports, reportMessages, type ReportStatus } from '@/db/schema';
import { env } from '@/lib/env';
import { notFound } from '@/lib/errors';
import { storableText } from '@/lib/text';
import { parseInput } from '@/lib/validation';
import { consumePublicRate } from './public-rate';
import { toE164 } from './report-input';
import type { ServiceContext } from '@/lib/context';
import { ipBucket } from '@/lib/rate-limit/ip-bucket';

export const publicStatuses = ['received', 'in_review', 'waiting_for_you', 'resolved', 'closed'] as const;
export type PublicStatus = (typeof publicStatuses)[number];

/** What the customer sees of the internal workflow. */
export const publicStatusOf: Record<ReportStatus, PublicStatus> = {
  new: 'received',
  triaged: 'in_review',
  investigating: 'in_review',
  awaiting_customer: 'waiting_for_you',
  resolved: 'resolved',
  rejected: 'closed',
};

const StatusQuery = z.object({
  reference: storableText(20).trim().min(1, 'is required'),
  contact: storableText(320).trim().min(1, 'give the e-mail or phone number you reported with'),
});

/**
 * The public status of a report, for whoever holds its reference and the e-mail or phone it was filed
 * with. A wrong reference and a wrong contact give the same 404, so neither can be probed on its own.
 */
export async function publicReportStatus(
  ctx: ServiceContext,
  rawInput: unknown,
): Promise<{ reference: string; status: PublicStatus; replies: { at: string; body: string }[] }> {
  const { db } = ctx;
  const input = parseInput(StatusQuery, rawInput);
  await consumePublicRate(
    db,
    `status:ip:${ipBucket(ctx.clientIp)}`,
    env().VIGIL_STATUS_LOOKUP_LIMIT,
    'status lookups from this address',
  );
  const reference = input.reference.toUpperCase();
  const phone = toE164(input.contact);
  const [report] = await db
    .select({ id: fraudReports.id, reference: fraudReports.reference, status: fraudReports.status })
    .from(fraudReports)
    .where(
      and(
        eq(fraudReports.reference, reference),
        sql`(lower(${fraudReports.email}) = lower(${input.contact}) or ${fraudReports.phone} = ${phone ?? ''})`,
      ),
    );
  if (!report) throw notFound('No report matches this reference and contact.');
  const replies = await db
    .select({ at: reportMessages.createdAt, body: reportMessages.body })
    .from(reportMessages)
    .where(and(eq(reportMessages.reportId, report.id), eq(reportMessages.visibility, 'public')))
    .orderBy(asc(reportMessages.createdAt));
  return {
    reference: report.reference,
    status: publicStatusOf[report.status],
    replies: replies.map((r) => ({ at: r.at.toISOString(), body: r.body })),
  };
}
