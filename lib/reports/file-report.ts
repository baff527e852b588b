import { randomInt } from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Tx } from '@/db/client';
import { arrayOf } from '@/db/sql-helpers';
import { accounts, activeAlertStatuses, alerts, fraudReports, reportEvidence } from '@/db/schema';
import type { ServiceContext } from '@/lib/context';
import { env } from '@/lib/env';
import { ipBucket } from '@/lib/rate-limit/ip-bucket';
import { reportPriority, slaHours } from '@/lib/reports/priority';
import { consumePublicRate } from '@/lib/reports/public-rate';
import { notifyReportFiled } from '@/lib/notifications/topics';
import { linkDomain, ReportInput, toE164 } from '@/lib/reports/report-input';
import { claimReportLink, markLinkUsed, type ClaimedLink } from '@/lib/reports/report-links';
import { parseInput } from '@/lib/validation';

/** Crockford's base32 without look-alikes: a reference is read over the phone. */
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const newReference = () =>
  `VR-${Array.from({ length: 6 }, () => alphabet[randomInt(alphabet.length)]).join('')}`;

type Evidence = typeof reportEvidence.$inferInsert;

/** Finds the account by e-mail or phone: linked only when exactly one matches. */
async function matchAccounts(tx: Tx, email: string | undefined, phone: string | undefined): Promise<string[]> {
  const rows = await tx
    .select({ id: accounts.id })
    .from(accounts)
    .where(
      sql`${email ? sql`lower(${accounts.email}) = lower(${email})` : sql`false`} or ${phone ? sql`${accounts.phone} = ${phone}` : sql`false`}`,
    )
    .limit(10);
  return rows.map((r) => r.id);
}

/** What Vigil attaches at filing time, and the signals the priority is computed from. */
async function gatherEvidence(tx: Tx, reportId: string, accountId: string, otpId: string | undefined) {
  const evidence: Evidence[] = [];
  const codes = await queryRows<{
    event_id: string;
    occurred_at: string;
    kind: string;
    otp_id: string;
    channel: string;
    purpose: string;
    ip: string | null;
    country: string | null;
    failure_reason: string | null;
  }>(
    tx,
    sql`select event_id, occurred_at::text, kind, otp_id, channel, purpose, host(ip) as ip, country, failure_reason from otp_events
        where account_id = ${accountId}::uuid and occurred_at > now() - interval '24 hours'
          and (kind in ('issued', 'failed') or otp_id = ${otpId ?? ''})
        order by occurred_at desc nulls last limit 50`,
  );
  for (const c of codes.filter((c) => c.kind === 'issued' || c.otp_id === otpId)) {
    evidence.push({
      reportId,
      kind: 'otp',
      refId: c.event_id,
      occurredAt: new Date(c.occurred_at),
      summary: {
        kind: c.kind,
        otpId: c.otp_id,
        channel: c.channel,
        purpose: c.purpose,
        ip: c.ip,
        country: c.country,
        fromLink: c.otp_id === otpId,
      },
    });
  }
  const failedLogins = await queryRows<{ n: number }>(
    tx,
    sql`select count(*)::int as n from login_events where account_id = ${accountId}::uuid and outcome = 'failed' and occurred_at > now() - interval '24 hours'`,
  );
  const newDevices = await queryRows<{
    event_id: string;
    occurred_at: string;
    device_id: string;
    country: string | null;
    ip: string | null;
  }>(
    tx,
    sql`select l.event_id, l.occurred_at::text, l.device_id, l.country, host(l.ip) as ip from login_events l
        where l.account_id = ${accountId}::uuid and l.outcome = 'succeeded' and l.occurred_at > now() - interval '7 days' and l.device_id is not null
          and not exists (select 1 from login_events p where p.account_id = l.account_id and p.device_id = l.device_id and p.outcome = 'succeeded' and p.occurred_at < l.occurred_at and p.occurred_at > l.occurred_at - interval '90 days')
        order by l.occurred_at desc nulls last limit 10`,
  );
  for (const l of newDevices)
    evidence.push({
      reportId,
      kind: 'login',
      refId: l.event_id,
      occurredAt: new Date(l.occurred_at),
      summary: { deviceId: l.device_id, country: l.country, ip: l.ip, firstTimeSeen: true },
    });
  const openAlerts = await tx
    .select({ id: alerts.id, rule: alerts.rule, severity: alerts.severity, firstSeen: alerts.firstSeen })
    .from(alerts)
    .where(and(eq(alerts.accountId, accountId), inArray(alerts.status, [...activeAlertStatuses])));
  for (const a of openAlerts)
    evidence.push({
      reportId,
      kind: 'alert',
      refId: a.id,
      occurredAt: a.firstSeen,
      summary: { rule: a.rule, severity: a.severity },
    });
  const changes = await queryRows<{ event_id: string; occurred_at: string; field: string | null }>(
    tx,
    sql`select event_id, occurred_at::text, field from account_events where account_id = ${accountId}::uuid and type = 'contact_changed' and occurred_at > now() - interval '30 days' order by occurred_at desc nulls last limit 10`,
  );
  for (const c of changes)
    evidence.push({
      reportId,
      kind: 'contact_change',
      refId: c.event_id,
      occurredAt: new Date(c.occurred_at),
      summary: { field: c.field },
    });
  const weekAgo = Date.now() - 7 * 24 * 3_600_000;
  return {
    evidence,
    signals: {
      recentCodes: codes.filter((c) => c.kind === 'issued').length,
      recentFailures:
        codes.filter((c) => c.kind === 'failed' && c.failure_reason === 'incorrect').length + (failedLogins[0]?.n ?? 0),
      newDeviceLogin: newDevices.length > 0,
      recentContactChange: changes.some((c) => Date.parse(c.occurred_at) > weekAgo),
      openAlertSeverities: openAlerts.map((a) => a.severity),
    },
  };
}

/**
 * A customer files a report (the public form, or the platform's apps): validate, apply the limits, link it
 * to the account when exactly one matches the e-mail or phone, attach the evidence, set the priority and its
 * SLA, store it. A bot that fills the honeypot gets an answer that looks the same, and nothing is stored.
 */
export async function fileReport(
  ctx: ServiceContext,
  rawInput: unknown,
  source: 'web' | 'api',
): Promise<{ reference: string; status: 'received' }> {
  // Anyone may file (the customer's form, the public API); the platform's own apps (an API key with
  // reports:write) and the operator skip the per-IP limit, not the per-contact one.
  const trustedApp = ctx.actor.kind === 'api' || ctx.actor.kind === 'system';
  const { db } = ctx;
  const input = parseInput(ReportInput, rawInput);
  if (input.website !== undefined && input.website !== '') return { reference: newReference(), status: 'received' };
  const limit = env().VIGIL_REPORT_LIMIT;
  if (!trustedApp)
    await consumePublicRate(db, `report:ip:${ipBucket(ctx.clientIp)}`, limit, 'reports from this address');
  for (const contact of [input.email?.toLowerCase(), input.phone].filter(Boolean))
    await consumePublicRate(db, `report:contact:${contact}`, limit, 'reports for this contact');

  return db.transaction(async (tx) => {
    // A "not me" link names the account; otherwise it is found by the contact typed.
    const link = input.link ? await claimReportLink(tx, input.link) : null;
    const matches = link ? [link.accountId] : await matchAccounts(tx, input.email, input.phone);
    const accountId = matches.length === 1 ? matches[0]! : null;
    const reference = await uniqueReference(tx);
    const details = Object.fromEntries(
      Object.entries(input.details ?? {}).filter(([, v]) => v !== undefined),
    ) as Record<string, string>;
    const [report] = await tx
      .insert(fraudReports)
      .values({
        reference,
        category: input.category,
        priority: 'normal',
        dueAt: new Date(),
        email: input.email ?? null,
        phone: input.phone ?? null,
        occurredAt: input.occurredAt ? new Date(input.occurredAt) : null,
        description: input.description,
        details,
        contactPreference: input.contactPreference ?? null,
        otpId: input.otpId ?? null,
        accountId,
        candidateAccountIds: matches.length > 1 ? matches : [],
        senderNumber: details.senderNumber ? (toE164(details.senderNumber) ?? details.senderNumber) : null,
        callerNumber: details.callerNumber ? (toE164(details.callerNumber) ?? details.callerNumber) : null,
        linkDomain: linkDomain(details.link),
        source,
        clientIp: ctx.clientIp,
      })
      .returning({ id: fraudReports.id, createdAt: fraudReports.createdAt });
    const found = accountId ? await gatherEvidence(tx, report!.id, accountId, input.otpId) : null;
    // The link's own events first: they carry `fromLink` (a code among the last day's is not added twice).
    if (link) found?.evidence.unshift(...(await linkEvidence(tx, report!.id, link)));
    if (found && found.evidence.length > 0)
      await tx.insert(reportEvidence).values(found.evidence).onConflictDoNothing();
    if (link) await markLinkUsed(tx, link.id, report!.id);
    // A tap on "not me" in one of our own messages is the customer's word about a known account: urgent.
    const priority = link
      ? 'urgent'
      : reportPriority({
          category: input.category,
          linked: accountId !== null,
          ...(found?.signals ?? {
            recentCodes: 0,
            recentFailures: 0,
            newDeviceLogin: false,
            recentContactChange: false,
            openAlertSeverities: [],
          }),
        });
    await tx
      .update(fraudReports)
      .set({ priority, dueAt: new Date(report!.createdAt.getTime() + slaHours[priority] * 3_600_000) })
      .where(eq(fraudReports.id, report!.id));
    await notifyReportFiled(tx, {
      id: report!.id,
      reference,
      category: input.category,
      priority,
      accountLabel: accountId ? await accountLabel(tx, accountId) : null,
      at: report!.createdAt,
    });
    return { reference, status: 'received' as const };
  });
}

/** The events a "not me" link is about, as evidence marked as coming from the link. */
async function linkEvidence(tx: Tx, reportId: string, link: ClaimedLink): Promise<Evidence[]> {
  if (link.eventIds.length === 0) return [];
  const rows = await queryRows<{
    event_id: string;
    occurred_at: string;
    kind: Evidence['kind'];
    summary: Record<string, unknown>;
  }>(
    tx,
    sql`select event_id, occurred_at::text, 'login' as kind,
               jsonb_build_object('outcome', outcome, 'ip', host(ip), 'country', country, 'deviceId', device_id) as summary
          from login_events where account_id = ${link.accountId}::uuid and event_id = any(${arrayOf(link.eventIds)})
        union all
        select event_id, occurred_at::text, 'otp',
               jsonb_build_object('kind', kind, 'otpId', otp_id, 'channel', channel, 'purpose', purpose, 'ip', host(ip), 'country', country)
          from otp_events where account_id = ${link.accountId}::uuid and event_id = any(${arrayOf(link.eventIds)})
        union all
        select event_id, occurred_at::text, case when type = 'contact_changed' then 'contact_change' else 'account_change' end,
               jsonb_build_object('type', type, 'field', field, 'ip', host(ip), 'country', country)
          from account_events where account_id = ${link.accountId}::uuid and event_id = any(${arrayOf(link.eventIds)})`,
  );
  return rows.map((r) => ({
    reportId,
    kind: r.kind,
    refId: r.event_id,
    occurredAt: new Date(r.occurred_at),
    summary: { ...r.summary, fromLink: true },
  }));
}

async function accountLabel(tx: Tx, accountId: string): Promise<string | null> {
  const [row] = await tx
    .select({ name: accounts.displayName, externalId: accounts.externalId })
    .from(accounts)
    .where(eq(accounts.id, accountId));
  return row ? (row.name ?? row.externalId) : null;
}

async function uniqueReference(tx: Tx): Promise<string> {
  for (;;) {
    const candidate = newReference();
    const [taken] = await tx
      .select({ id: fraudReports.id })
      .from(fraudReports)
      .where(eq(fraudReports.reference, candidate));
    if (!taken) return candidate;
  }
}
