import { and, desc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { descNullsLast } from '@/db/sql-helpers';
import { z } from 'zod';
import {
  accountEvents,
  accounts,
  activeAlertStatuses,
  alerts,
  fraudReports,
  twoFactorOffRequests,
  type AlertSeverity,
  type AlertStatus,
} from '@/db/schema';
import { can } from '@/lib/auth/permissions';
import { authorize, type ServiceContext } from '@/lib/context';
import { rules } from '@/lib/detection/rules';
import { notFound } from '@/lib/errors';
import { contactsFor } from './accounts';
import { resetStillRequired, twoFactorOffStillRequired } from './security-state';

/**
 * A contact change, or 2FA turned off, this recent is flagged: takeovers change the contact first, then
 * turn 2FA off (contact_change_then_risk).
 */
export const recentChangeMs = 7 * 86_400_000;
const shownOpenItems = 3;
const closedReportStatuses: ('resolved' | 'rejected')[] = ['resolved', 'rejected'];

/**
 * 2FA as the platform reports it against what staff require: `missing` (required, not reported on),
 * `other_method` (on, not the required method), `removal_due` (staff approved it off, the platform still
 * reports it on), `on`, `off`.
 */
export type TwoFactorStanding = 'missing' | 'other_method' | 'removal_due' | 'on' | 'off';

export interface RightNow {
  status: 'active' | 'locked';
  lockReasonCode: string | null;
  passwordResetRequired: boolean;
  pendingTwoFactorOff: boolean;
  openAlerts: { count: number; items: { id: string; title: string; severity: AlertSeverity; status: AlertStatus }[] };
  openReports: { count: number; items: { id: string; reference: string; status: string; priority: string }[] };
  lastContactChange: { field: 'email' | 'phone'; value: string | null; occurredAt: Date; recent: boolean } | null;
  twoFactor: {
    standing: TwoFactorStanding;
    reported: { enabled: boolean; method: string | null; since: Date | null };
    /** The platform reported 2FA off within `recentChangeMs`. */
    recentlyTurnedOff: boolean;
    required: { required: boolean; method: string | null };
  };
  /** Anything here that needs an agent's eye: a hold, an open alert or report, a recent contact change, 2FA short of what is required. */
  needsAttention: boolean;
}

/** What an agent must know about an account in five seconds: the strip at the top of its page. */
export async function accountRightNow(ctx: ServiceContext, accountId: string, now = new Date()): Promise<RightNow> {
  authorize(ctx, 'accounts.view');
  const { db, actor } = ctx;
  if (!z.uuid().safeParse(accountId).success) throw notFound('Account not found');
  const [account] = await db.select().from(accounts).where(eq(accounts.id, accountId));
  if (!account) throw notFound('Account not found');
  const activeAlert = and(eq(alerts.accountId, accountId), inArray(alerts.status, activeAlertStatuses));
  const openReport = and(eq(fraudReports.accountId, accountId), notInArray(fraudReports.status, closedReportStatuses));
  const count = sql<number>`count(*) over ()`.mapWith(Number);
  const [alertRows, reportRows, [contactChange], [pending]] = await Promise.all([
    can(actor, 'alerts.view')
      ? db
          .select({ id: alerts.id, rule: alerts.rule, severity: alerts.severity, status: alerts.status, count })
          .from(alerts)
          .where(activeAlert)
          .orderBy(
            sql`case ${alerts.severity} when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end`,
            desc(alerts.detectedAt),
          )
          .limit(shownOpenItems)
      : [],
    can(actor, 'reports.view')
      ? db
          .select({
            id: fraudReports.id,
            reference: fraudReports.reference,
            status: fraudReports.status,
            priority: fraudReports.priority,
            count,
          })
          .from(fraudReports)
          .where(openReport)
          .orderBy(descNullsLast(fraudReports.createdAt))
          .limit(shownOpenItems)
      : [],
    db
      .select({ field: accountEvents.field, value: accountEvents.newValue, occurredAt: accountEvents.occurredAt })
      .from(accountEvents)
      .where(and(eq(accountEvents.accountId, accountId), eq(accountEvents.type, 'contact_changed')))
      .orderBy(descNullsLast(accountEvents.occurredAt), descNullsLast(accountEvents.id))
      .limit(1),
    db
      .select({ id: twoFactorOffRequests.id })
      .from(twoFactorOffRequests)
      .where(
        and(
          eq(twoFactorOffRequests.accountId, accountId),
          eq(twoFactorOffRequests.status, 'pending'),
          sql`${twoFactorOffRequests.expiresAt} > now()`,
        ),
      ),
  ]);
  const contact = contactsFor(actor);
  const field = contactChange?.field ?? null;
  const lastContactChange =
    contactChange && field
      ? {
          field,
          value: contact[field](contactChange.value),
          occurredAt: contactChange.occurredAt,
          recent: now.getTime() - contactChange.occurredAt.getTime() < recentChangeMs,
        }
      : null;
  const standing = twoFactorStanding(account);
  const passwordResetRequired = resetStillRequired(account);
  const reportedAt = account.reportedTwoFactorObservedAt;
  const recentlyTurnedOff =
    !account.reportedTwoFactorEnabled && reportedAt !== null && now.getTime() - reportedAt.getTime() < recentChangeMs;
  return {
    status: account.status,
    lockReasonCode: account.status === 'locked' ? account.lockReasonCode : null,
    passwordResetRequired,
    pendingTwoFactorOff: Boolean(pending),
    openAlerts: {
      count: alertRows[0]?.count ?? 0,
      items: alertRows.map((a) => ({ id: a.id, title: rules[a.rule].title, severity: a.severity, status: a.status })),
    },
    openReports: {
      count: reportRows[0]?.count ?? 0,
      items: reportRows.map(({ count: _count, ...r }) => r),
    },
    lastContactChange,
    twoFactor: {
      standing,
      reported: {
        enabled: account.reportedTwoFactorEnabled,
        method: account.reportedTwoFactorMethod,
        since: account.reportedTwoFactorObservedAt,
      },
      required: { required: account.twoFactorRequired, method: account.twoFactorRequiredMethod },
      recentlyTurnedOff,
    },
    needsAttention:
      account.status === 'locked' ||
      passwordResetRequired ||
      alertRows.length > 0 ||
      reportRows.length > 0 ||
      Boolean(lastContactChange?.recent) ||
      recentlyTurnedOff ||
      standing === 'missing' ||
      standing === 'other_method' ||
      standing === 'removal_due',
  };
}

function twoFactorStanding(a: typeof accounts.$inferSelect): TwoFactorStanding {
  if (twoFactorOffStillRequired(a)) return 'removal_due';
  if (a.twoFactorRequired && !a.reportedTwoFactorEnabled) return 'missing';
  if (
    a.twoFactorRequired &&
    a.twoFactorRequiredMethod &&
    a.reportedTwoFactorMethod &&
    a.twoFactorRequiredMethod !== a.reportedTwoFactorMethod
  )
    return 'other_method';
  return a.reportedTwoFactorEnabled ? 'on' : 'off';
}
