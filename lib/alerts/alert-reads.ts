import { and, asc, eq, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import {
  accounts,
  activeAlertStatuses,
  alertEvidence,
  alertRules,
  alerts,
  alertSeverities,
  alertStatuses,
  auditLog,
  staffUsers,
  type AlertRule,
  type AlertSeverity,
  type AlertStatus,
  type AlertSubjectType,
} from '@/db/schema';
import { descNullsLast, timestamptz } from '@/db/sql-helpers';
import { maskPhone } from '@/lib/accounts/masking';
import { can } from '@/lib/auth/permissions';
import { authorize, type ServiceContext } from '@/lib/context';
import { rules } from '@/lib/detection/rules';
import { notFound } from '@/lib/errors';
import { utcFromLocalInput } from '@/lib/search-params';
import { assigneeCondition } from '@/lib/workflow/queue-filters';
import { CursorTime } from '@/lib/paging/cursor';

// What the console's filters and badges need of the schema (app/ and components/ do not import db/).
export { alertRules, alertSeverities, type AlertSeverity, type AlertStatus } from '@/db/schema';

/** An alert as the console shows it. */
export interface AlertView {
  id: string;
  rule: AlertRule;
  title: string;
  severity: AlertSeverity;
  status: AlertStatus;
  subject: { type: AlertSubjectType; id: string };
  accountId: string | null;
  accountName: string | null;
  firstSeen: Date;
  lastSeen: Date;
  detectedAt: Date;
  hitCount: number;
  evidenceCount: number;
  details: Record<string, unknown>;
  assignee: { id: string; name: string } | null;
  resolutionReason: string | null;
  version: number;
}

const severityRank = sql<number>`case ${alerts.severity} when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end`;

/** What the console and the machine API both show of an alert. */
export const alertColumns = {
  id: alerts.id,
  rule: alerts.rule,
  severity: alerts.severity,
  status: alerts.status,
  subjectType: alerts.subjectType,
  subjectId: alerts.subjectId,
  firstSeen: alerts.firstSeen,
  lastSeen: alerts.lastSeen,
  hitCount: alerts.hitCount,
  evidenceCount: alerts.evidenceCount,
};

const viewColumns = {
  ...alertColumns,
  accountId: alerts.accountId,
  accountName: accounts.displayName,
  detectedAt: alerts.detectedAt,
  details: alerts.details,
  assigneeId: alerts.assigneeId,
  assigneeName: staffUsers.name,
  resolutionReason: alerts.resolutionReason,
  version: alerts.version,
};

const selectViews = (db: DbOrTx) =>
  db
    .select(viewColumns)
    .from(alerts)
    .leftJoin(accounts, eq(accounts.id, alerts.accountId))
    .leftJoin(staffUsers, eq(staffUsers.id, alerts.assigneeId));
type ViewRow = Awaited<ReturnType<typeof selectViews>>[number];

function toView(r: ViewRow): AlertView {
  return {
    id: r.id,
    rule: r.rule,
    title: rules[r.rule].title,
    severity: r.severity,
    status: r.status,
    subject: { type: r.subjectType, id: r.subjectId },
    accountId: r.accountId,
    accountName: r.accountName,
    firstSeen: r.firstSeen,
    lastSeen: r.lastSeen,
    detectedAt: r.detectedAt,
    hitCount: r.hitCount,
    evidenceCount: r.evidenceCount,
    details: r.details,
    assignee: r.assigneeId ? { id: r.assigneeId, name: r.assigneeName ?? 'Unknown' } : null,
    resolutionReason: r.resolutionReason,
    version: r.version,
  };
}

/* ---------- The queue (/alerts) ---------- */

export const queueLimit = 200;
const QueueFilters = z.object({
  rule: z.enum(alertRules).optional().catch(undefined),
  severity: z.enum(alertSeverities).optional().catch(undefined),
  status: z
    .enum([...alertStatuses, 'active', 'all'])
    .catch('active')
    .default('active'),
  assignee: z
    .union([z.literal('me'), z.literal('unassigned'), z.uuid()])
    .optional()
    .catch(undefined),
  since: CursorTime.optional().catch(undefined),
  until: CursorTime.optional().catch(undefined),
});
export type QueueFilters = z.infer<typeof QueueFilters>;

/** A URL's filters, leniently: a value that makes no sense is dropped (the page says what it shows). */
export function parseQueueFilters(params: Record<string, string | undefined>): QueueFilters {
  return QueueFilters.parse({
    ...params,
    since: utcFromLocalInput(params.since),
    until: utcFromLocalInput(params.until),
  });
}

/** The triage queue: most severe first, then the longest waiting. */
export async function alertQueue(
  ctx: ServiceContext,
  filters: QueueFilters,
): Promise<{ alerts: AlertView[]; total: number; limit: number }> {
  authorize(ctx, 'alerts.view');
  const { db } = ctx;
  const where: SQL[] = [];
  if (filters.status === 'active') where.push(inArray(alerts.status, [...activeAlertStatuses]));
  else if (filters.status !== 'all') where.push(eq(alerts.status, filters.status));
  if (filters.rule) where.push(eq(alerts.rule, filters.rule));
  if (filters.severity) where.push(eq(alerts.severity, filters.severity));
  const assigned = assigneeCondition(alerts.assigneeId, filters.assignee, ctx.actor);
  if (assigned) where.push(assigned);
  if (filters.since) where.push(gte(alerts.lastSeen, timestamptz(new Date(filters.since))));
  if (filters.until) where.push(lte(alerts.firstSeen, timestamptz(new Date(filters.until))));
  const condition = where.length > 0 ? and(...where) : undefined;
  const [rows, [counted]] = await Promise.all([
    selectViews(db)
      .where(condition)
      .orderBy(severityRank, asc(alerts.detectedAt), asc(alerts.firstSeen), asc(alerts.id))
      .limit(queueLimit),
    db
      .select({ n: sql<number>`count(*)::int` })
      .from(alerts)
      .where(condition),
  ]);
  return { alerts: rows.map(toView), total: counted?.n ?? 0, limit: queueLimit };
}

/** Staff an alert can be assigned to (the filter and the assign menu). */
export async function assignableStaff(ctx: ServiceContext): Promise<{ id: string; name: string }[]> {
  authorize(ctx, 'alerts.view');
  const { db } = ctx;
  return db
    .select({ id: staffUsers.id, name: staffUsers.name })
    .from(staffUsers)
    .where(and(eq(staffUsers.disabled, false), inArray(staffUsers.role, ['agent', 'admin'])))
    .orderBy(staffUsers.name);
}

/* ---------- One alert (/alerts/[id]) ---------- */

export interface EvidenceView {
  eventId: string;
  eventType: string;
  occurredAt: Date;
  accountId: string;
  summary: Record<string, unknown>;
}

export interface AlertTrailEntry {
  occurredAt: Date;
  actorEmail: string;
  action: string;
  reason: string | null;
  after: Record<string, unknown> | null;
}

export const evidenceShown = 500;

export async function alertDetail(
  ctx: ServiceContext,
  alertId: string,
): Promise<{ alert: AlertView; evidence: EvidenceView[]; trail: AlertTrailEntry[] }> {
  authorize(ctx, 'alerts.view');
  const { db } = ctx;
  if (!z.uuid().safeParse(alertId).success) throw notFound('No such alert.');
  const [row] = await selectViews(db).where(eq(alerts.id, alertId));
  if (!row) throw notFound('No such alert.');
  const [evidence, trail] = await Promise.all([
    db
      .select({
        eventId: alertEvidence.eventId,
        eventType: alertEvidence.eventType,
        occurredAt: alertEvidence.occurredAt,
        accountId: alertEvidence.accountId,
        summary: alertEvidence.summary,
      })
      .from(alertEvidence)
      .where(eq(alertEvidence.alertId, alertId))
      .orderBy(asc(alertEvidence.occurredAt), asc(alertEvidence.eventId))
      .limit(evidenceShown),
    db
      .select({
        occurredAt: auditLog.occurredAt,
        actorEmail: auditLog.actorEmail,
        action: auditLog.action,
        reason: auditLog.reason,
        after: auditLog.after,
      })
      .from(auditLog)
      .where(and(eq(auditLog.targetType, 'alert'), eq(auditLog.targetId, alertId)))
      .orderBy(descNullsLast(auditLog.occurredAt))
      .limit(100),
  ]);
  // The numbers behind an SMS-pumping alert are customers' phones: masked for roles that do not see contacts.
  const showContacts = can(ctx.actor, 'accounts.viewContacts');
  const shown = evidence.map((e) =>
    showContacts || typeof e.summary.destination !== 'string'
      ? e
      : { ...e, summary: { ...e.summary, destination: maskPhone(e.summary.destination) } },
  );
  return { alert: toView(row), evidence: shown, trail };
}
