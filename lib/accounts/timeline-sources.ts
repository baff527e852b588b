import { and, asc, eq, ne, sql, type AnyColumn, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { accountEvents, alerts, auditLog, fraudReports, loginEvents, otpEvents, outbox, staffUsers } from '@/db/schema';
import { arrayOf, ascNullsFirst, descNullsLast, timestamptz } from '@/db/sql-helpers';
import { rules } from '@/lib/detection/rules';
import { exactTime, pastCursor, type TimelineKey, type TimelineKind } from './timeline-cursor';
import type {
  AlertRow,
  ChangeRow,
  CodeEvent,
  CodeRow,
  LoginRow,
  NoticeRow,
  ReportRow,
  StaffRow,
  TimelineItem,
} from './timeline-items';

/**
 * One source of the timeline: at most `limit` rows of one kind past the cursor, in the reading order. Each is
 * one range scan of an index that starts with the account, so page 500 costs what page 1 does.
 */
export interface SourceQuery {
  db: DbOrTx;
  accountId: string;
  cursor: TimelineKey | null;
  order: 'asc' | 'desc';
  limit: number;
  /** The time range, from inclusive, to exclusive. */
  from: Date | null;
  to: Date | null;
  /** A contact as the actor may see it (masked for roles without accounts.viewContacts). */
  contact: (field: 'email' | 'phone', value: string | null) => string | null;
}

function within(q: SourceQuery, kind: TimelineKind, time: AnyColumn, id: AnyColumn): SQL[] {
  const conditions: SQL[] = [];
  const keyset = pastCursor(kind, { time, id }, q.cursor, q.order);
  if (keyset) conditions.push(keyset);
  if (q.from) conditions.push(sql`${time} >= ${timestamptz(q.from)}`);
  if (q.to) conditions.push(sql`${time} < ${timestamptz(q.to)}`);
  return conditions;
}

/** The reading order, as the account indexes `(account, time desc, id desc)` hold it (see descNullsLast). */
const inOrder = (q: SourceQuery, time: AnyColumn, id: AnyColumn) =>
  q.order === 'desc' ? [descNullsLast(time), descNullsLast(id)] : [ascNullsFirst(time), ascNullsFirst(id)];

const noContext = () => ({ ip: null, country: null, deviceId: null, userAgent: null, evidenceFor: [] });

export async function loginRows(q: SourceQuery): Promise<LoginRow[]> {
  // The same first-seen marks the login history had: no earlier login of the account from this device / country.
  const firstSeen = (column: 'device_id' | 'country') =>
    sql<boolean>`(${sql.raw(`login_events.${column}`)} is not null and not exists (
      select 1 from login_events prior
      where prior.account_id = login_events.account_id
        and ${sql.raw(`prior.${column} = login_events.${column}`)}
        and (prior.occurred_at, prior.id) < (login_events.occurred_at, login_events.id)))`;
  const rows = await q.db
    .select({
      id: loginEvents.id,
      eventId: loginEvents.eventId,
      at: exactTime(loginEvents.occurredAt),
      outcome: loginEvents.outcome,
      method: loginEvents.method,
      failureReason: loginEvents.failureReason,
      ip: loginEvents.ip,
      userAgent: loginEvents.userAgent,
      deviceId: loginEvents.deviceId,
      country: loginEvents.country,
      firstSeenDevice: firstSeen('device_id'),
      firstSeenCountry: firstSeen('country'),
    })
    .from(loginEvents)
    .where(and(eq(loginEvents.accountId, q.accountId), ...within(q, 'login', loginEvents.occurredAt, loginEvents.id)))
    .orderBy(...inOrder(q, loginEvents.occurredAt, loginEvents.id))
    .limit(q.limit);
  return rows.map((r) => ({ ...r, kind: 'login', id: String(r.id), occurredAt: new Date(r.at), evidenceFor: [] }));
}

/**
 * Codes: a code's first event is its row (found by otp_events_account_code_idx: no earlier event of the same
 * code), then one query brings every event of the page's codes.
 */
export async function codeRows(q: SourceQuery): Promise<CodeRow[]> {
  const anchors = await q.db
    .select({
      id: otpEvents.id,
      at: exactTime(otpEvents.occurredAt),
      otpId: otpEvents.otpId,
      channel: otpEvents.channel,
      purpose: otpEvents.purpose,
      ip: otpEvents.ip,
      userAgent: otpEvents.userAgent,
      deviceId: otpEvents.deviceId,
      country: otpEvents.country,
    })
    .from(otpEvents)
    .where(
      and(
        eq(otpEvents.accountId, q.accountId),
        sql`not exists (select 1 from otp_events prior
              where prior.account_id = otp_events.account_id and prior.otp_id = otp_events.otp_id
                and (prior.occurred_at, prior.id) < (otp_events.occurred_at, otp_events.id))`,
        ...within(q, 'code', otpEvents.occurredAt, otpEvents.id),
      ),
    )
    .orderBy(...inOrder(q, otpEvents.occurredAt, otpEvents.id))
    .limit(q.limit);
  if (anchors.length === 0) return [];
  const events = await q.db
    .select({
      id: otpEvents.id,
      eventId: otpEvents.eventId,
      occurredAt: otpEvents.occurredAt,
      otpId: otpEvents.otpId,
      kind: otpEvents.kind,
      failureReason: otpEvents.failureReason,
      ip: otpEvents.ip,
      country: otpEvents.country,
    })
    .from(otpEvents)
    .where(
      and(
        eq(otpEvents.accountId, q.accountId),
        sql`${otpEvents.otpId} = any(${arrayOf([...new Set(anchors.map((a) => a.otpId))])})`,
      ),
    )
    .orderBy(asc(otpEvents.occurredAt), asc(otpEvents.id));
  const byCode = new Map<string, CodeEvent[]>();
  for (const e of events) {
    const list = byCode.get(e.otpId) ?? [];
    list.push({ ...e, id: String(e.id) });
    byCode.set(e.otpId, list);
  }
  return anchors.map((a) => {
    const codeEvents = byCode.get(a.otpId) ?? [];
    return {
      ...a,
      kind: 'code',
      id: String(a.id),
      occurredAt: new Date(a.at),
      outcome: codeEvents.at(-1)?.kind ?? 'issued',
      events: codeEvents,
      evidenceFor: [],
    };
  });
}

export async function changeRows(q: SourceQuery): Promise<ChangeRow[]> {
  const rows = await q.db
    .select({
      id: accountEvents.id,
      eventId: accountEvents.eventId,
      at: exactTime(accountEvents.occurredAt),
      change: accountEvents.type,
      field: accountEvents.field,
      newValue: accountEvents.newValue,
      // The platform sends the new value only: the old one is known when an earlier change of the field told it.
      // (Written out qualified: drizzle names a selected column bare, which the subquery would read as its own.)
      // One probe of account_events_contact_idx per contact change; other changes have no old value.
      oldValue: sql<string | null>`case when account_events.type = 'contact_changed' then (
        select prior.new_value from account_events prior
        where prior.account_id = account_events.account_id and prior.type = 'contact_changed'
          and prior.field = account_events.field
          and (prior.occurred_at, prior.id) < (account_events.occurred_at, account_events.id)
        order by prior.occurred_at desc, prior.id desc limit 1) end`,
      twoFactorEnabled: accountEvents.twoFactorEnabled,
      twoFactorMethod: accountEvents.twoFactorMethod,
      ip: accountEvents.ip,
      userAgent: accountEvents.userAgent,
      deviceId: accountEvents.deviceId,
      country: accountEvents.country,
    })
    .from(accountEvents)
    .where(
      and(eq(accountEvents.accountId, q.accountId), ...within(q, 'change', accountEvents.occurredAt, accountEvents.id)),
    )
    .orderBy(...inOrder(q, accountEvents.occurredAt, accountEvents.id))
    .limit(q.limit);
  return rows.map((r) => ({
    ...r,
    kind: 'change',
    id: String(r.id),
    occurredAt: new Date(r.at),
    oldValue: r.field ? q.contact(r.field, r.oldValue) : null,
    newValue: r.field ? q.contact(r.field, r.newValue) : null,
    evidenceFor: [],
  }));
}

/** What staff did to the account (its audit rows); views of the contacts are in the audit log, not here. */
export async function staffRows(q: SourceQuery): Promise<StaffRow[]> {
  const rows = await q.db
    .select({
      id: auditLog.id,
      at: exactTime(auditLog.occurredAt),
      action: auditLog.action,
      actorEmail: auditLog.actorEmail,
      actorRole: auditLog.actorRole,
      reason: auditLog.reason,
    })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.targetType, 'account'),
        eq(auditLog.targetId, q.accountId),
        ne(auditLog.action, 'account.view_contacts'),
        ...within(q, 'staff', auditLog.occurredAt, auditLog.id),
      ),
    )
    .orderBy(...inOrder(q, auditLog.occurredAt, auditLog.id))
    .limit(q.limit);
  return rows.map((r) => ({ ...r, ...noContext(), kind: 'staff', id: String(r.id), occurredAt: new Date(r.at) }));
}

/** Alerts on the account at the time Vigil raised them (the account's alerts are few: alerts_account_idx). */
export async function alertRows(q: SourceQuery): Promise<AlertRow[]> {
  const rows = await q.db
    .select({
      id: alerts.id,
      at: exactTime(alerts.detectedAt),
      rule: alerts.rule,
      severity: alerts.severity,
      status: alerts.status,
      evidenceCount: alerts.evidenceCount,
      assignee: staffUsers.name,
    })
    .from(alerts)
    .leftJoin(staffUsers, eq(staffUsers.id, alerts.assigneeId))
    .where(and(eq(alerts.accountId, q.accountId), ...within(q, 'alert', alerts.detectedAt, alerts.id)))
    .orderBy(...inOrder(q, alerts.detectedAt, alerts.id))
    .limit(q.limit);
  return rows.map((r) => ({
    ...r,
    ...noContext(),
    kind: 'alert',
    title: rules[r.rule].title,
    occurredAt: new Date(r.at),
  }));
}

export async function reportRows(q: SourceQuery): Promise<ReportRow[]> {
  const rows = await q.db
    .select({
      id: fraudReports.id,
      at: exactTime(fraudReports.createdAt),
      reference: fraudReports.reference,
      category: fraudReports.category,
      status: fraudReports.status,
      priority: fraudReports.priority,
      assignee: staffUsers.name,
    })
    .from(fraudReports)
    .leftJoin(staffUsers, eq(staffUsers.id, fraudReports.assigneeId))
    .where(
      and(eq(fraudReports.accountId, q.accountId), ...within(q, 'report', fraudReports.createdAt, fraudReports.id)),
    )
    .orderBy(...inOrder(q, fraudReports.createdAt, fraudReports.id))
    .limit(q.limit);
  return rows.map((r) => ({ ...r, ...noContext(), kind: 'report', occurredAt: new Date(r.at) }));
}

/** What the customer was told: the account's notices in the outbox (outbox_account_idx). */
export async function noticeRows(q: SourceQuery): Promise<NoticeRow[]> {
  const rows = await q.db
    .select({ id: outbox.id, at: exactTime(outbox.createdAt), payload: outbox.payload, status: outbox.status })
    .from(outbox)
    .where(
      and(
        eq(outbox.accountId, q.accountId),
        eq(outbox.kind, 'notice'),
        ...within(q, 'notice', outbox.createdAt, outbox.id),
      ),
    )
    .orderBy(...inOrder(q, outbox.createdAt, outbox.id))
    .limit(q.limit);
  const text = (v: unknown) => (typeof v === 'string' ? v : '');
  return rows.map((r) => {
    const channel = text(r.payload.channel);
    const to = text(r.payload.to) || null;
    return {
      ...noContext(),
      kind: 'notice',
      id: String(r.id),
      at: r.at,
      occurredAt: new Date(r.at),
      channel,
      to: q.contact(channel === 'email' ? 'email' : 'phone', to),
      text: text(r.payload.text),
      // A notice is handed to the platform's messaging; "delivered" here means recorded for it.
      status: r.status === 'delivered' ? 'recorded' : r.status,
    };
  });
}

export const sources: Record<TimelineKind, (q: SourceQuery) => Promise<TimelineItem[]>> = {
  login: loginRows,
  code: codeRows,
  change: changeRows,
  staff: staffRows,
  alert: alertRows,
  report: reportRows,
  notice: noticeRows,
};
