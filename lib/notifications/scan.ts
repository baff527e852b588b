import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import type { AlertRule, AlertSeverity } from '@/db/schema';
import { startBackgroundLoop, type BackgroundLoop } from '@/lib/background/loop';
import { systemClock, type Clock } from '@/lib/clock';
import { notifyAlertEscalated, notifyIngestStalled, notifyReportSlaBreached } from './topics';

/*
 * The topics nothing happens for — an alert nobody took, a report whose deadline passed, a platform that went
 * quiet — are found by a scan once a minute. Each is sent once per subject and channel (notify's `once`), so a
 * scan may see the same alert every minute without repeating itself, and two servers scanning at once cannot
 * double a message (the throttle row is the claim).
 */

export const unassignedEscalationMs = 30 * 60 * 1000;
const lookBackMs = 24 * 60 * 60 * 1000;
export const stallMs = 15 * 60 * 1000;
export const stallMinimumWeekAgo = 100;

export interface ScanResult {
  escalated: number;
  slaBreached: number;
  stalled: boolean;
}

export async function scanNotifications(db: Db, clock: Clock = systemClock): Promise<ScanResult> {
  const now = clock();
  const nowIso = now.toISOString();
  const result: ScanResult = { escalated: 0, slaBreached: 0, stalled: false };
  const channels = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from notification_channels`);
  if ((channels[0]?.n ?? 0) === 0) return result;

  const escalations = await queryRows<{
    id: string;
    rule: AlertRule;
    severity: AlertSeverity;
    subject_type: string;
    subject_id: string;
    account_id: string | null;
    details: Record<string, unknown>;
    critical: boolean;
  }>(
    db,
    sql`select id, rule, severity, subject_type, subject_id, account_id, details, severity = 'critical' as critical
          from alerts
         where status in ('open', 'acknowledged')
           and detected_at > ${nowIso}::timestamptz - make_interval(secs => ${lookBackMs / 1000})
           and (severity = 'critical'
                or (assignee_id is null and detected_at <= ${nowIso}::timestamptz - make_interval(secs => ${unassignedEscalationMs / 1000})))
         order by detected_at limit 200`,
  );
  for (const a of escalations) {
    await db.transaction((tx) =>
      notifyAlertEscalated(
        tx,
        {
          id: a.id,
          rule: a.rule,
          severity: a.severity,
          subjectType: a.subject_type,
          subjectId: a.subject_id,
          accountId: a.account_id,
          details: a.details,
          at: now,
        },
        a.critical ? 'critical' : 'unassigned',
      ),
    );
    result.escalated += 1;
  }

  const breached = await queryRows<{ id: string; reference: string; priority: string; due_at: string | Date }>(
    db,
    sql`select id, reference, priority, due_at from fraud_reports
         where status not in ('resolved', 'rejected')
           and due_at <= ${nowIso}::timestamptz
           and due_at > ${nowIso}::timestamptz - make_interval(secs => ${lookBackMs / 1000})
         order by due_at limit 200`,
  );
  for (const r of breached) {
    await db.transaction((tx) =>
      notifyReportSlaBreached(
        tx,
        { id: r.id, reference: r.reference, priority: r.priority, dueAt: new Date(r.due_at) },
        now,
      ),
    );
    result.slaBreached += 1;
  }

  // The platform went quiet: no event for 15 minutes, while the same hour a week earlier was busy.
  const [quiet] = await queryRows<{ last: string | Date | null; week_ago: number }>(
    db,
    sql`select greatest((select max(occurred_at) from login_events where occurred_at <= ${nowIso}::timestamptz),
                        (select max(occurred_at) from otp_events where occurred_at <= ${nowIso}::timestamptz)) as last,
               coalesce((select sum(count) from login_rollup_hourly
                          where hour = date_trunc('hour', ${nowIso}::timestamptz - interval '7 days')), 0)
             + coalesce((select sum(count) from otp_rollup_hourly
                          where hour = date_trunc('hour', ${nowIso}::timestamptz - interval '7 days')), 0) as week_ago`,
  );
  const last = quiet?.last ? new Date(quiet.last) : null;
  const weekAgo = Number(quiet?.week_ago ?? 0);
  if (weekAgo > stallMinimumWeekAgo && (!last || now.getTime() - last.getTime() >= stallMs)) {
    // One message per quiet spell: the spell is named by its last event.
    const spell = last ? last.toISOString() : 'never';
    await db.transaction((tx) =>
      notifyIngestStalled(tx, { lastEventAt: last, weekAgoCount: weekAgo, hour: spell }, now),
    );
    result.stalled = true;
  }
  return result;
}

/** The scan's loop in the server process, once a minute. */
export function startNotificationScan(getDb: () => Promise<Db>): BackgroundLoop {
  return startBackgroundLoop(
    'notification-scan',
    getDb,
    async (db) => {
      await scanNotifications(db);
      return false;
    },
    { intervalMs: 60_000, errorIntervalMs: 60_000, failureMessage: 'notification scan failed' },
  );
}
