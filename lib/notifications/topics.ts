import { eq } from 'drizzle-orm';
import type { DbOrTx } from '@/db/client';
import { accounts, type AlertRule, type AlertSeverity } from '@/db/schema';
import { describeAlert } from '@/lib/alerts/describe-alert';
import { notify } from './notify';

/*
 * Each topic's message, built where what it reports happens (inside that transaction). Masked variants replace
 * names and IPs: channels marked `masked` (a wide Slack room, a pager) get those.
 */

const ruleTitle: Record<AlertRule, string> = {
  unrequested_otp_burst: 'Codes nobody asked for',
  otp_guessing: 'Code guessing',
  password_bruteforce: 'Password brute force',
  credential_stuffing: 'Credential stuffing',
  new_device_new_country: 'New device in a new country',
  impossible_travel: 'Impossible travel',
  contact_change_then_risk: 'Contact changed, then a risky change',
  sms_pumping: 'SMS pumping',
};

/** `185.220.101.47` → `185.220.x.x`; an IPv6 address keeps its first two groups. */
export function maskIp(ip: string): string {
  if (ip.includes(':')) return `${ip.split(':').slice(0, 2).join(':')}:…`;
  const parts = ip.split('.');
  return parts.length === 4 ? `${parts[0]}.${parts[1]}.x.x` : '***';
}

/** `Nadia Okafor` → `N. O.`; a platform id keeps its first 4 characters. */
export function maskName(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return words.length > 0 ? words.map((w) => `${w[0]}.`).join(' ') : '***';
}

function maskDetails(details: Record<string, unknown>): Record<string, unknown> {
  const ips = Array.isArray(details.ips) ? details.ips.map((ip) => maskIp(String(ip))) : details.ips;
  return { ...details, ips, deviceId: details.deviceId ? '***' : details.deviceId };
}

export interface OpenedAlert {
  id: string;
  rule: AlertRule;
  severity: AlertSeverity;
  subjectType: string;
  /** The platform's account id, or the IP. */
  subjectId: string;
  accountId: string | null;
  details: Record<string, unknown>;
  at: Date;
}

async function whoFor(tx: DbOrTx, alert: OpenedAlert): Promise<{ plain: string; masked: string }> {
  if (alert.subjectType === 'ip') return { plain: `IP ${alert.subjectId}`, masked: `IP ${maskIp(alert.subjectId)}` };
  // A number prefix names no one: it is the same masked or not.
  if (alert.subjectType === 'prefix')
    return { plain: `numbers ${alert.subjectId}…`, masked: `numbers ${alert.subjectId}…` };
  if (alert.subjectType !== 'account' || !alert.accountId) return { plain: alert.subjectId, masked: '***' };
  const [row] = await tx
    .select({ name: accounts.displayName, externalId: accounts.externalId })
    .from(accounts)
    .where(eq(accounts.id, alert.accountId));
  const name = row?.name ?? null;
  return {
    plain: name ? `${name} (${alert.subjectId})` : alert.subjectId,
    masked: name ? maskName(name) : `${alert.subjectId.slice(0, 4)}…`,
  };
}

/** `alert.opened`: a new alert, or an open one that got new evidence after 24 h without any. */
export async function notifyAlertOpened(tx: DbOrTx, alert: OpenedAlert, reopened = false): Promise<void> {
  const who = await whoFor(tx, alert);
  const what = ruleTitle[alert.rule];
  const again = reopened ? ' (new activity after a quiet day)' : '';
  await notify(tx, {
    topic: 'alert.opened',
    severity: alert.severity,
    subject: `alert:${alert.id}`,
    title: `${what} — ${who.plain}${again}`,
    maskedTitle: `${what} — ${who.masked}${again}`,
    text: describeAlert(alert.rule, alert.details),
    maskedText: describeAlert(alert.rule, maskDetails(alert.details)),
    path: `/alerts/${alert.id}`,
    at: alert.at,
  });
}

/** `alert.escalated`: critical, or nobody has taken it 30 minutes after it opened. Once per alert. */
export async function notifyAlertEscalated(
  tx: DbOrTx,
  alert: OpenedAlert,
  why: 'critical' | 'unassigned',
): Promise<void> {
  const who = await whoFor(tx, alert);
  const what = ruleTitle[alert.rule];
  const reason = why === 'critical' ? 'critical and still open' : 'unassigned for 30 minutes';
  await notify(tx, {
    topic: 'alert.escalated',
    severity: alert.severity,
    subject: `alert.escalated:${alert.id}`,
    once: true,
    title: `${what} — ${who.plain}: ${reason}`,
    maskedTitle: `${what} — ${who.masked}: ${reason}`,
    text: describeAlert(alert.rule, alert.details),
    maskedText: describeAlert(alert.rule, maskDetails(alert.details)),
    path: `/alerts/${alert.id}`,
    at: alert.at,
  });
}

export interface FiledReport {
  id: string;
  reference: string;
  category: string;
  priority: string;
  /** The account's name or platform id when the report matched one. */
  accountLabel: string | null;
  at: Date;
}

const categoryLabel: Record<string, string> = {
  unrequested_code: 'a code they did not ask for',
  impersonation: 'someone posing as support',
  phishing: 'phishing',
  unauthorized_order: 'an order they did not place',
  delivery_code: 'a delivery code',
  other: 'something else',
};

/** `report.filed`: a customer's report at urgent or high priority. */
export async function notifyReportFiled(tx: DbOrTx, report: FiledReport): Promise<void> {
  if (report.priority !== 'urgent' && report.priority !== 'high') return;
  const about = categoryLabel[report.category] ?? report.category.replaceAll('_', ' ');
  await notify(tx, {
    topic: 'report.filed',
    subject: `report:${report.id}`,
    title: `${report.priority} report ${report.reference}: ${about}`,
    text: report.accountLabel
      ? `Filed about ${report.accountLabel}.`
      : 'It matched no account yet: link it from the report.',
    maskedText: report.accountLabel ? `Filed about ${maskName(report.accountLabel)}.` : 'It matched no account yet.',
    path: `/reports/${report.id}`,
    at: report.at,
  });
}

/** `report.sla_breached`: an open report past its reply deadline. Once per report. */
export async function notifyReportSlaBreached(
  tx: DbOrTx,
  report: { id: string; reference: string; priority: string; dueAt: Date },
  at: Date,
): Promise<void> {
  await notify(tx, {
    topic: 'report.sla_breached',
    subject: `report.sla_breached:${report.id}`,
    once: true,
    title: `Report ${report.reference} (${report.priority}) is past its SLA`,
    text: `It was due ${report.dueAt.toISOString()} and is still open.`,
    path: `/reports/${report.id}`,
    at,
  });
}

/** `staff.locked_out`: failed sign-ins locked a staff account. */
export async function notifyStaffLockedOut(
  tx: DbOrTx,
  staff: { id: string; email: string; ip: string | null; until: Date },
  at: Date,
): Promise<void> {
  await notify(tx, {
    topic: 'staff.locked_out',
    subject: `staff:${staff.id}`,
    title: `Staff sign-in locked: ${staff.email}`,
    maskedTitle: 'Staff sign-in locked',
    text: `Too many failed sign-ins${staff.ip ? ` (last from ${staff.ip})` : ''}; locked until ${staff.until.toISOString()}.`,
    maskedText: `Too many failed sign-ins; locked until ${staff.until.toISOString()}.`,
    path: '/admin/staff',
    at,
  });
}

/** `ingest.stalled`: no events for 15 minutes while the same hour a week earlier had more than 100. */
export async function notifyIngestStalled(
  tx: DbOrTx,
  stall: { lastEventAt: Date | null; weekAgoCount: number; hour: string },
  at: Date,
): Promise<void> {
  await notify(tx, {
    topic: 'ingest.stalled',
    subject: `ingest.stalled:${stall.hour}`,
    once: true,
    title: 'No events from the platform for 15 minutes',
    text: `Last event ${stall.lastEventAt ? stall.lastEventAt.toISOString() : 'never'}; the same hour a week ago had ${stall.weekAgoCount} events.`,
    path: '/',
    at,
  });
}

/** Every topic a channel can follow, for the admin form. */
export { notificationTopics as notificationTopicList } from '@/db/schema';
