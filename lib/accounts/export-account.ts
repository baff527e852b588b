import { sql } from 'drizzle-orm';
import { queryRows } from '@/db/client';
import { recordAudit } from '@/lib/audit/record-audit';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { notFound } from '@/lib/errors';

/*
 * "What do you hold about me?" answered in one document: GET /api/v1/accounts/{platformAccountId}/export (an API key
 * with accounts:export) and the account page's download (admins). Everything Vigil holds about the customer: the
 * profile and contacts, every stored event (raw and, for accounts under legal hold, the copies kept past retention),
 * alerts with the evidence that is theirs, reports with their replies and notes, staff actions on the account, and
 * the notices and webhooks sent about it. Staff appear by role, never by e-mail. Nothing of another account: an IP
 * alert's evidence is cut to this account's events and its details (which list other accounts) are left out.
 *
 * It is streamed: rows are read a page at a time in keyset order and written as they come, so an account with a
 * million events never sits in memory.
 */

const PAGE = 1000;

export interface AccountExport {
  /** The document, as chunks of JSON text (one object). */
  chunks: AsyncGenerator<string>;
  accountId: string;
}

type Row = Record<string, unknown>;

/** The event tables and their held copies, in the document's order. */
const eventSources = [
  { key: 'loginEvents', table: 'login_events' },
  { key: 'otpEvents', table: 'otp_events' },
  { key: 'accountEvents', table: 'account_events' },
] as const;

/**
 * Every row of a query, a page at a time in (occurred_at, id) order: the account-time index read backwards serves it
 * (`nulls first` is how that DESC NULLS LAST index runs backwards; see descNullsLast in db/sql-helpers.ts), so a page
 * costs its own rows, never a sort of the account's whole history.
 */
async function* pages(ctx: ServiceContext, table: string, accountId: string): AsyncGenerator<Row> {
  let after: { at: string; id: string } | null = null;
  for (;;) {
    const rows: Row[] = await queryRows<Row>(
      ctx.db,
      sql`select event_id as "eventId", to_char(occurred_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "occurredAt",
            to_char(received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') as "receivedAt", t.*, id::text as "_id",
            occurred_at::text as "_at"
          from ${sql.raw(table)} t
          where account_id = ${accountId}
            ${after ? sql`and (occurred_at, id) > (${after.at}::timestamptz, ${after.id}::bigint)` : sql``}
          order by occurred_at asc nulls first, id asc nulls first limit ${PAGE}`,
    );
    for (const r of rows) yield r;
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = { at: String(last._at), id: String(last._id) };
  }
}

/** An event row as exported: its own fields, without Vigil's internal columns. */
function eventOut(r: Row): Row {
  const {
    tx: _tx,
    id: _id,
    _id: _i,
    _at: _a,
    event_id: _e,
    account_id: _acc,
    occurred_at: _o,
    received_at: _r,
    ...rest
  } = r;
  const out: Row = {};
  for (const [k, v] of Object.entries(rest))
    if (v !== null) out[k.replace(/_(\w)/g, (_, c: string) => c.toUpperCase())] = v;
  return out;
}

/** The export of one account by the platform's id; not found for an account Vigil never saw (or erased). */
export async function exportAccount(ctx: ServiceContext, platformAccountId: string): Promise<AccountExport> {
  authorize(ctx, 'accounts.export');
  if (platformAccountId.length === 0 || platformAccountId.length > 128)
    throw notFound('Vigil has never seen this account.');
  const [account] = await queryRows<Row & { id: string }>(
    ctx.db,
    sql`select id, external_id as "platformAccountId", display_name as "name", email, phone, status,
          reported_two_factor_enabled as "twoFactorEnabled", reported_two_factor_method as "twoFactorMethod",
          first_event_at as "firstEventAt", password_reset_required as "passwordResetRequired",
          two_factor_required as "twoFactorRequired", created_at as "createdAt"
        from accounts where external_id = ${platformAccountId}`,
  );
  if (!account) throw notFound('Vigil has never seen this account.');
  // Who asked, and when, is on record before a byte goes out.
  await withTransaction(ctx, (tx) =>
    recordAudit(tx, { action: 'account.export', targetType: 'account', targetId: account.id }),
  );
  return { accountId: account.id, chunks: documentOf(ctx, account) };
}

async function* documentOf(ctx: ServiceContext, account: Row & { id: string }): AsyncGenerator<string> {
  const { id, ...profile } = account;
  yield `{"exportedAt":${JSON.stringify(new Date().toISOString())},"account":${JSON.stringify(profile)}`;

  for (const { key, table } of eventSources) {
    yield `,${JSON.stringify(key)}:[`;
    let first = true;
    for await (const r of pages(ctx, table, id)) {
      yield `${first ? '' : ','}${JSON.stringify({ eventId: r.eventId, occurredAt: r.occurredAt, receivedAt: r.receivedAt, ...eventOut(r) })}`;
      first = false;
    }
    yield ']';
  }

  // Alerts about the account, and IP alerts its events are evidence of (cut to its own evidence, without details).
  const alerts = await queryRows<Row & { id: string; subject_type: string }>(
    ctx.db,
    sql`select a.id, a.rule, a.severity, a.status, a.subject_type, a.first_seen as "firstSeen", a.last_seen as "lastSeen",
          a.details, a.resolution_reason as "resolutionReason", a.detected_at as "detectedAt", a.closed_at as "closedAt"
        from alerts a
        where a.account_id = ${id} or a.id in (select alert_id from alert_evidence where account_id = ${id})
        order by a.detected_at, a.id`,
  );
  yield ',"alerts":[';
  for (const [i, a] of alerts.entries()) {
    const evidence = await queryRows<Row>(
      ctx.db,
      sql`select event_id as "eventId", event_type as "eventType", occurred_at as "occurredAt", summary
          from alert_evidence where alert_id = ${a.id} and account_id = ${id} order by occurred_at, event_id`,
    );
    const { subject_type: subjectType, details, ...rest } = a;
    yield `${i ? ',' : ''}${JSON.stringify({ ...rest, subjectType, ...(subjectType === 'account' ? { details } : {}), evidence })}`;
  }
  yield ']';

  const reports = await queryRows<Row & { id: string }>(
    ctx.db,
    sql`select id, reference, category, status, priority, email, phone, occurred_at as "occurredAt", description, details,
          contact_preference as "contactPreference", otp_id as "otpId", sender_number as "senderNumber",
          caller_number as "callerNumber", link_domain as "linkDomain", source, resolution, created_at as "createdAt",
          closed_at as "closedAt"
        from fraud_reports where account_id = ${id} order by created_at, id`,
  );
  yield ',"reports":[';
  for (const [i, r] of reports.entries()) {
    const messages = await queryRows<Row>(
      ctx.db,
      sql`select m.visibility, m.body, m.created_at as "createdAt", s.role as "authorRole"
          from report_messages m left join staff_users s on s.id = m.author_id
          where m.report_id = ${r.id} order by m.created_at, m.id`,
    );
    const evidence = await queryRows<Row>(
      ctx.db,
      sql`select kind, ref_id as "refId", occurred_at as "occurredAt", summary from report_evidence where report_id = ${r.id} order by occurred_at`,
    );
    yield `${i ? ',' : ''}${JSON.stringify({ ...r, messages, evidence })}`;
  }
  yield ']';

  // Staff actions on the account, by role (never the staff member's e-mail).
  const actions = await queryRows<Row>(
    ctx.db,
    sql`select action, actor_role as "byRole", occurred_at as "at", reason, before, after
        from audit_log where target_type = 'account' and target_id = ${id} order by occurred_at, id`,
  );
  yield `,"staffActions":${JSON.stringify(actions)}`;

  const notices = await queryRows<Row>(
    ctx.db,
    sql`select kind, topic, payload, status, created_at as "createdAt", delivered_at as "deliveredAt"
        from outbox where account_id = ${id} order by id`,
  );
  yield `,"noticesAndWebhooks":${JSON.stringify(notices)}}\n`;
}
