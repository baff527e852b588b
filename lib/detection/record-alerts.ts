import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '@/db/client';
import { jsonb } from '@/db/sql-helpers';
import { activeAlertStatuses, alertEvidence, alerts, type AlertSubjectType } from '@/db/schema';
import { notifyAlertOpened } from '@/lib/notifications/topics';
import type { DetectionEvent, RuleDefinition, RuleHit } from './types';

export interface AlertSubject {
  type: AlertSubjectType;
  /** The platform's account id, or the IP. */
  id: string;
  /** Vigil's account id, for account subjects. */
  accountId: string | null;
}

export type HitOutcome = 'opened' | 'updated' | 'unchanged';

function summary(e: DetectionEvent): Record<string, unknown> {
  const all = {
    account: e.account,
    ip: e.ip,
    country: e.country,
    deviceId: e.deviceId,
    reason: e.reason,
    otpId: e.otpId,
    channel: e.channel,
    purpose: e.purpose,
    destination: e.destination,
    field: e.field,
    enabled: e.enabled,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== null && v !== undefined));
}

const evidenceRows = (alertId: string, events: readonly DetectionEvent[]) =>
  events.map((e) => ({
    alertId,
    eventId: e.eventId,
    eventType: e.type,
    occurredAt: new Date(e.occurredAt),
    accountId: e.accountId,
    summary: summary(e),
  }));

/** Six bind parameters a row: a long run (credential stuffing at full speed) goes in slices under PostgreSQL's 65 535. */
const evidenceSlice = 1000;

async function insertEvidence(tx: Tx, alertId: string, events: readonly DetectionEvent[]): Promise<number> {
  let added = 0;
  for (let i = 0; i < events.length; i += evidenceSlice) {
    const rows = await tx
      .insert(alertEvidence)
      .values(evidenceRows(alertId, events.slice(i, i + evidenceSlice)))
      .onConflictDoNothing()
      .returning({ eventId: alertEvidence.eventId });
    added += rows.length;
  }
  return added;
}

const timeSpan = (events: readonly DetectionEvent[]) => ({
  first: new Date(Math.min(...events.map((e) => e.occurredAt))),
  last: new Date(Math.max(...events.map((e) => e.occurredAt))),
});

const quietDayMs = 24 * 60 * 60 * 1000;

const alertFacts = (rule: RuleDefinition, subject: AlertSubject, hit: RuleHit) => ({
  rule: rule.rule,
  severity: rule.severity,
  subjectType: subject.type,
  subjectId: subject.id,
  accountId: subject.accountId,
  details: hit.details,
  at: new Date(),
});

/**
 * Files one hit inside the detection transaction (which holds the subject's advisory lock): onto the open
 * alert of this subject and rule if there is one (new evidence bumps its hit count and last-seen time;
 * evidence it already has changes nothing), otherwise as a new alert — unless every new event of the
 * hit is already evidence of an earlier, closed alert (a re-run never re-raises what staff closed).
 */
export async function recordHit(
  tx: Tx,
  rule: RuleDefinition,
  subject: AlertSubject,
  hit: RuleHit,
  newEventIds: ReadonlySet<string>,
): Promise<HitOutcome> {
  const span = timeSpan(hit.evidence);
  const [active] = await tx
    .select({ id: alerts.id, lastSeen: alerts.lastSeen, severity: alerts.severity })
    .from(alerts)
    .where(
      and(
        eq(alerts.subjectType, subject.type),
        eq(alerts.subjectId, subject.id),
        eq(alerts.rule, rule.rule),
        inArray(alerts.status, [...activeAlertStatuses]),
      ),
    )
    .for('update');
  if (active) {
    const added = await insertEvidence(tx, active.id, hit.evidence);
    if (added === 0) return 'unchanged';
    await tx
      .update(alerts)
      .set({
        hitCount: sql`${alerts.hitCount} + 1`,
        evidenceCount: sql`${alerts.evidenceCount} + ${added}`,
        firstSeen: sql`least(${alerts.firstSeen}, ${span.first.toISOString()}::timestamptz)`,
        lastSeen: sql`greatest(${alerts.lastSeen}, ${span.last.toISOString()}::timestamptz)`,
        details: hit.details,
        updatedAt: sql`now()`,
      })
      .where(eq(alerts.id, active.id));
    // New evidence after a quiet day is news again for the channels.
    if (span.last.getTime() - active.lastSeen.getTime() >= quietDayMs) {
      await notifyAlertOpened(
        tx,
        { ...alertFacts(rule, subject, hit), id: active.id, severity: active.severity },
        true,
      );
    }
    return 'updated';
  }
  const fresh = hit.evidence.filter((e) => newEventIds.has(e.eventId)).map((e) => e.eventId);
  const [known] = await queryRows<{ n: number }>(
    tx,
    sql`select count(distinct ev.event_id)::int as n from alert_evidence ev join alerts a on a.id = ev.alert_id
        where a.subject_type = ${subject.type} and a.subject_id = ${subject.id} and a.rule = ${rule.rule}
          and ev.event_id in (select jsonb_array_elements_text(${jsonb(fresh)}))`,
  );
  if ((known?.n ?? 0) >= fresh.length) return 'unchanged';
  const [created] = await tx
    .insert(alerts)
    .values({
      rule: rule.rule,
      severity: rule.severity,
      subjectType: subject.type,
      subjectId: subject.id,
      accountId: subject.accountId,
      firstSeen: span.first,
      lastSeen: span.last,
      evidenceCount: hit.evidence.length,
      details: hit.details,
    })
    .returning({ id: alerts.id });
  await insertEvidence(tx, created!.id, hit.evidence);
  await notifyAlertOpened(tx, { ...alertFacts(rule, subject, hit), id: created!.id });
  return 'opened';
}
