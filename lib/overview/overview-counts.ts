import { count, sql } from 'drizzle-orm';
import { accounts, alerts, fraudReports } from '@/db/schema';
import { can } from '@/lib/auth/permissions';
import { authorize, type ServiceContext } from '@/lib/context';
import { reportIsOpen, reportIsOverdue } from '@/lib/reports/report-reads';

export interface OverviewCounts {
  accounts: number;
  lockedAccounts: number;
  /** Open alerts (not yet acknowledged), with how many are critical or high and how many nobody holds; null if the role cannot see alerts. */
  alerts: { open: number; urgent: number; unassigned: number } | null;
  /** Reports nobody has triaged yet, and open reports past their SLA; null if the role cannot see reports. */
  reports: { new: number; overdue: number } | null;
}

/** Totals for the overview's cards; traffic figures come from lib/metrics (the rollups). */
export async function overviewCounts(ctx: ServiceContext): Promise<OverviewCounts> {
  authorize(ctx, 'overview.view');
  const { db, actor } = ctx;
  const [accountRow, alertRow, reportRow] = await Promise.all([
    db
      .select({
        total: count(),
        locked: sql<number>`count(*) filter (where ${accounts.status} = 'locked')`.mapWith(Number),
      })
      .from(accounts),
    can(actor, 'alerts.view')
      ? db
          .select({
            open: count(),
            urgent: sql<number>`count(*) filter (where ${alerts.severity} in ('critical', 'high'))`.mapWith(Number),
            unassigned: sql<number>`count(*) filter (where ${alerts.assigneeId} is null)`.mapWith(Number),
          })
          .from(alerts)
          .where(sql`${alerts.status} = 'open'`)
      : Promise.resolve(null),
    can(actor, 'reports.view')
      ? db
          .select({
            new: sql<number>`count(*) filter (where ${fraudReports.status} = 'new')`.mapWith(Number),
            overdue: sql<number>`count(*) filter (where ${reportIsOverdue})`.mapWith(Number),
          })
          .from(fraudReports)
          .where(reportIsOpen)
      : Promise.resolve(null),
  ]);
  return {
    accounts: accountRow[0]?.total ?? 0,
    lockedAccounts: accountRow[0]?.locked ?? 0,
    alerts: alertRow
      ? { open: alertRow[0]?.open ?? 0, urgent: alertRow[0]?.urgent ?? 0, unassigned: alertRow[0]?.unassigned ?? 0 }
      : null,
    reports: reportRow ? { new: reportRow[0]?.new ?? 0, overdue: reportRow[0]?.overdue ?? 0 } : null,
  };
}
