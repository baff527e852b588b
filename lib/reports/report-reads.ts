import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  accounts,
  auditLog,
  fraudReports,
  reportCategories,
  reportEvidence,
  reportMessages,
  reportPriorities,
  reportStatuses,
  staffUsers,
} from '@/db/schema';
import { can } from '@/lib/auth/permissions';
import { authorize, type ServiceContext } from '@/lib/context';
import { maskEmail, maskPhone } from '@/lib/accounts/masking';
import { notFound } from '@/lib/errors';
import { assigneeCondition } from '@/lib/workflow/queue-filters';
import { publicStatusOf } from './public-status';

// What the console's filters need of the schema (app/ and components/ do not import db/).
export { reportCategories, reportPriorities, reportStatuses } from '@/db/schema';

const openReportStatuses = ['new', 'triaged', 'investigating', 'awaiting_customer'] as const;
/** A report still waiting for staff (not resolved or rejected). */
export const reportIsOpen = inArray(fraudReports.status, [...openReportStatuses]);
/** An open report past its SLA due time: the queue's "SLA breached" filter and the overview's count. */
export const reportIsOverdue = and(sql`${fraudReports.dueAt} < now()`, reportIsOpen)!;
const priorityRank = sql<number>`case ${fraudReports.priority} when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`;

export const ReportQueueFilters = z.object({
  status: z
    .enum([...reportStatuses, 'open', 'all'])
    .catch('open')
    .default('open'),
  category: z.enum(reportCategories).optional().catch(undefined),
  priority: z.enum(reportPriorities).optional().catch(undefined),
  assignee: z
    .union([z.literal('me'), z.literal('unassigned'), z.uuid()])
    .optional()
    .catch(undefined),
  breached: z.literal('1').optional().catch(undefined),
});
export type ReportQueueFilters = z.infer<typeof ReportQueueFilters>;

export interface ReportQueueItem {
  id: string;
  reference: string;
  category: string;
  status: string;
  priority: string;
  dueAt: Date;
  createdAt: Date;
  accountId: string | null;
  accountName: string | null;
  accountExternalId: string | null;
  assignee: { id: string; name: string } | null;
  descriptionStart: string;
  version: number;
}

/** What every list of reports shows of each one (the queue, an account's reports). */
const reportSummaryColumns = {
  id: fraudReports.id,
  reference: fraudReports.reference,
  category: fraudReports.category,
  status: fraudReports.status,
  priority: fraudReports.priority,
  createdAt: fraudReports.createdAt,
};

/** The triage queue: most urgent first, then the earliest due. */
export async function reportQueue(
  ctx: ServiceContext,
  filters: ReportQueueFilters,
): Promise<{ reports: ReportQueueItem[]; total: number }> {
  authorize(ctx, 'reports.view');
  const { db } = ctx;
  const where: SQL[] = [];
  if (filters.status === 'open') where.push(reportIsOpen);
  else if (filters.status !== 'all') where.push(eq(fraudReports.status, filters.status));
  if (filters.category) where.push(eq(fraudReports.category, filters.category));
  if (filters.priority) where.push(eq(fraudReports.priority, filters.priority));
  const assigned = assigneeCondition(fraudReports.assigneeId, filters.assignee, ctx.actor);
  if (assigned) where.push(assigned);
  if (filters.breached) where.push(reportIsOverdue);
  const condition = where.length > 0 ? and(...where) : undefined;
  const [rows, [counted]] = await Promise.all([
    db
      .select({
        ...reportSummaryColumns,
        dueAt: fraudReports.dueAt,
        accountId: fraudReports.accountId,
        accountName: accounts.displayName,
        accountExternalId: accounts.externalId,
        assigneeId: fraudReports.assigneeId,
        assigneeName: staffUsers.name,
        description: fraudReports.description,
        version: fraudReports.version,
      })
      .from(fraudReports)
      .leftJoin(accounts, eq(accounts.id, fraudReports.accountId))
      .leftJoin(staffUsers, eq(staffUsers.id, fraudReports.assigneeId))
      .where(condition)
      .orderBy(priorityRank, asc(fraudReports.dueAt), asc(fraudReports.id))
      .limit(200),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(fraudReports)
      .where(condition),
  ]);
  return {
    total: counted?.n ?? 0,
    reports: rows.map((r) => ({
      ...r,
      assignee: r.assigneeId ? { id: r.assigneeId, name: r.assigneeName ?? 'Unknown' } : null,
      descriptionStart: r.description.slice(0, 140),
    })),
  };
}

export interface ReportDetail {
  report: typeof fraudReports.$inferSelect & { publicStatus: string };
  account: { id: string; externalId: string; displayName: string | null; status: string; version: number } | null;
  candidates: { id: string; externalId: string; displayName: string | null }[];
  evidence: (typeof reportEvidence.$inferSelect)[];
  messages: { id: number; visibility: 'internal' | 'public'; body: string; createdAt: Date; author: string | null }[];
  timeline: { occurredAt: Date; actorEmail: string; action: string; reason: string | null }[];
  assignee: { id: string; name: string } | null;
}

export async function reportDetail(ctx: ServiceContext, id: string): Promise<ReportDetail> {
  authorize(ctx, 'reports.view');
  const { db } = ctx;
  if (!z.uuid().safeParse(id).success) throw notFound('No such report.');
  const [report] = await db.select().from(fraudReports).where(eq(fraudReports.id, id));
  if (!report) throw notFound('No such report.');
  const showContacts = can(ctx.actor, 'accounts.viewContacts');
  const [account] = report.accountId
    ? await db
        .select({
          id: accounts.id,
          externalId: accounts.externalId,
          displayName: accounts.displayName,
          status: accounts.status,
          version: accounts.version,
        })
        .from(accounts)
        .where(eq(accounts.id, report.accountId))
    : [];
  const candidates =
    report.candidateAccountIds.length > 0
      ? await db
          .select({ id: accounts.id, externalId: accounts.externalId, displayName: accounts.displayName })
          .from(accounts)
          .where(inArray(accounts.id, report.candidateAccountIds))
      : [];
  const [evidence, messages, timeline, assignee] = await Promise.all([
    db.select().from(reportEvidence).where(eq(reportEvidence.reportId, id)).orderBy(desc(reportEvidence.occurredAt)),
    db
      .select({
        id: reportMessages.id,
        visibility: reportMessages.visibility,
        body: reportMessages.body,
        createdAt: reportMessages.createdAt,
        author: staffUsers.name,
      })
      .from(reportMessages)
      .leftJoin(staffUsers, eq(staffUsers.id, reportMessages.authorId))
      .where(eq(reportMessages.reportId, id))
      .orderBy(asc(reportMessages.createdAt)),
    db
      .select({
        occurredAt: auditLog.occurredAt,
        actorEmail: auditLog.actorEmail,
        action: auditLog.action,
        reason: auditLog.reason,
      })
      .from(auditLog)
      .where(and(eq(auditLog.targetType, 'report'), eq(auditLog.targetId, id)))
      .orderBy(asc(auditLog.occurredAt)),
    report.assigneeId
      ? db
          .select({ id: staffUsers.id, name: staffUsers.name })
          .from(staffUsers)
          .where(eq(staffUsers.id, report.assigneeId))
      : Promise.resolve([]),
  ]);
  return {
    report: {
      ...report,
      email: showContacts ? report.email : maskEmail(report.email),
      phone: showContacts ? report.phone : maskPhone(report.phone),
      publicStatus: publicStatusOf[report.status],
    },
    account: account ?? null,
    candidates,
    evidence,
    messages,
    timeline,
    assignee: assignee[0] ?? null,
  };
}
