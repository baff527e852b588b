import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '@/db/client';
import { ERASURE_LOCK_KEY } from '@/db/account-id';
import { partitionedTables } from '@/db/partitions';
import { recordAudit } from '@/lib/audit/record-audit';
import { seal } from '@/lib/auth/secret-box';
import { authorize, withTransaction, type ServiceContext, type TxContext } from '@/lib/context';
import { conflict, forbidden, notFound, ServiceError } from '@/lib/errors';
import { loadWebhookSettings } from '@/lib/outbox/enqueue';
import { heldReasons } from './legal-hold';
import { platformKey } from './platform-key';

/*
 * "Erase my data" (README, "The customer's data"). Erasure removes or irreversibly pseudonymises the customer's
 * personal data everywhere Vigil keeps it:
 * - the account row: name and contacts gone; it moves, with everything that points at it, to a new random id
 *   (today's ids derive from the platform id and would reattach the rows) under the platform id `erased:<id>`, so a
 *   later event for the same platform id starts a fresh account and lookups by the old id answer 404;
 * - its raw events (held months included: they are partitions of the same tables): IPs, user agents, device ids, contact values and code destinations nulled;
 * - its alerts, their evidence, its reports (contacts, description, details, client IP), their messages and
 *   evidence, the notices and webhooks about it: every personal value found in them replaced by `[erased]`;
 * - anywhere else (another alert's details, an idempotency result, the detection backlog): the distinctive values
 *   (platform id, contacts, name) replaced the same way.
 * Values are replaced as whole words, in strings inside JSON (never the JSON text), and only in a fixed list of
 * free-text and JSON columns (`mentionColumns`): hashes, keys, tokens and settings are never rewritten.
 * Counts stay (rollups hold no personal data). The audit log records the erasure by whom, under the new id, never a
 * value; it never held customer contacts or text (verbs reference the account or report instead).
 * An account under legal hold (open alert, open report, explicit hold) is refused with `legal_hold`.
 */

export interface ErasureResult {
  erasedAt: string;
  /** The pseudonymous id the account's rows moved to. */
  accountId: string;
}

export const legalHold = () =>
  new ServiceError(
    'conflict',
    'This account is under legal hold (an open alert or report, or a hold set by an admin).',
    {
      reason: 'legal_hold',
    },
  );

/** The tables whose rows belong to one account by `account_id`, besides the event tables. */
const ownedTables = ['account_activity', 'otp_codes', 'alert_evidence', 'report_links'] as const;

/**
 * Where words about a customer can sit outside the columns erasure nulls or moves: free text and JSON documents.
 * A fixed list, never "every text column": hashes, tokens, keys, staff rows and settings must never be rewritten
 * (a short platform id could occur inside a password hash). `own` picks the rows that are the erased account's: in
 * them every personal value goes. `elsewhere` picks the other rows that may name the customer, where the distinctive
 * values (platform id, contacts, name) go: whole tables only where they stay small or could quote anyone (free
 * text); never another account's evidence, and in the outbox only messages tied to no account (alert
 * notifications). Erasure keeps ingest waiting while it runs (db/account-id.ts), so it reads no more than that.
 */
const mentionColumns = (newId: string) =>
  [
    { table: 'alerts', column: 'details', json: true, own: sql`account_id = ${newId}`, elsewhere: everywhere },
    { table: 'alerts', column: 'subject_id', json: false, own: sql`account_id = ${newId}`, elsewhere: everywhere },
    {
      table: 'alerts',
      column: 'resolution_reason',
      json: false,
      own: sql`account_id = ${newId}`,
      elsewhere: everywhere,
    },
    { table: 'alert_evidence', column: 'summary', json: true, own: sql`account_id = ${newId}`, elsewhere: null },
    {
      table: 'fraud_reports',
      column: 'description',
      json: false,
      own: sql`account_id = ${newId}`,
      elsewhere: everywhere,
    },
    { table: 'fraud_reports', column: 'details', json: true, own: sql`account_id = ${newId}`, elsewhere: everywhere },
    { table: 'report_messages', column: 'body', json: false, own: ownReport(newId), elsewhere: everywhere },
    { table: 'report_evidence', column: 'summary', json: true, own: ownReport(newId), elsewhere: everywhere },
    { table: 'outbox', column: 'payload', json: true, own: sql`account_id = ${newId}`, elsewhere: noAccount },
    { table: 'outbox', column: 'last_error', json: false, own: sql`account_id = ${newId}`, elsewhere: noAccount },
    {
      table: 'two_factor_off_requests',
      column: 'note',
      json: false,
      own: sql`account_id = ${newId}`,
      elsewhere: null,
    },
    { table: 'account_holds', column: 'reason', json: false, own: sql`account_id = ${newId}`, elsewhere: null },
    { table: 'staff_action_requests', column: 'result', json: true, own: null, elsewhere: everywhere },
    { table: 'detection_backlog', column: 'work', json: true, own: null, elsewhere: everywhere },
    { table: 'detection_backtests', column: 'result', json: true, own: null, elsewhere: everywhere },
  ] as const;

const everywhere = sql`true`;
const noAccount = sql`account_id is null`;

const ownReport = (newId: string) => sql`report_id in (select id from fraud_reports where account_id = ${newId})`;

const escapeRegExp = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One pattern for the values, each matched only as a whole token: no letter or digit either side, nor a joining
 * mark (`- _ . : / @ +`) that goes on into one. So the platform id `2026` is erased from "customer 2026 called." but
 * leaves "order 42026", "2026-03-07T10:00", "10.0.0.2026" and a UUID's groups alone.
 */
export function valuePattern(values: readonly string[]): RegExp | null {
  if (values.length === 0) return null;
  // Longest first, so a value that contains another is replaced whole.
  const alternatives = [...values].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const word = '[\\p{L}\\p{N}]';
  const joiner = '[-_.:/@+]';
  return new RegExp(`(?<!${word}|${word}${joiner})(?:${alternatives.join('|')})(?!${word}|${joiner}${word})`, 'gu');
}

/** The JSON document with `[erased]` for each value inside its strings (keys too); structure and other values kept. */
export function scrubJson(value: unknown, pattern: RegExp): unknown {
  if (typeof value === 'string') return value.replace(pattern, '[erased]');
  if (Array.isArray(value)) return value.map((v) => scrubJson(v, pattern));
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k.replace(pattern, '[erased]'), scrubJson(v, pattern)]),
    );
  return value;
}

/** `[erased]` in place of each value in one text or jsonb column, for the rows `where` picks. */
async function scrub(tx: Tx, table: string, column: string, json: boolean, values: string[], where = sql`true`) {
  const pattern = valuePattern(values);
  if (!pattern) return;
  const col = sql.raw(`"${column}"`);
  const text = json ? sql`${col}::text` : col;
  // The candidates by substring (in jsonb a value sits JSON-escaped), locked so the row cannot move under us.
  const needles = values.map((v) => (json ? JSON.stringify(v).slice(1, -1) : v));
  const candidates = await queryRows<{ tid: string; value: unknown }>(
    tx,
    sql`select ctid::text as tid, ${col} as value from ${sql.raw(`"${table}"`)}
        where ${where} and (${sql.join(
          needles.map((n) => sql`strpos(${text}, ${n}) > 0`),
          sql` or `,
        )}) for update`,
  );
  for (const row of candidates) {
    const next = json ? scrubJson(row.value, pattern) : String(row.value).replace(pattern, '[erased]');
    if (JSON.stringify(next) === JSON.stringify(row.value)) continue;
    await tx.execute(
      sql`update ${sql.raw(`"${table}"`)} set ${col} = ${json ? sql`${JSON.stringify(next)}::jsonb` : sql`${next as string}`}
          where ctid = ${row.tid}::tid`,
    );
  }
}

/** Everything personal the account's rows hold: the values erasure must leave nowhere. */
export async function personalValues(tx: Tx, accountId: string): Promise<{ distinctive: string[]; all: string[] }> {
  const [account] = await queryRows<{
    external_id: string;
    display_name: string | null;
    email: string | null;
    phone: string | null;
  }>(tx, sql`select external_id, display_name, email, phone from accounts where id = ${accountId}`);
  const fromEvents = await queryRows<{ v: string | null }>(
    tx,
    sql`select distinct v from (
          select host(ip) as v from login_events where account_id = ${accountId}
          union select user_agent from login_events where account_id = ${accountId}
          union select device_id from login_events where account_id = ${accountId}
          union select host(ip) from otp_events where account_id = ${accountId}
          union select user_agent from otp_events where account_id = ${accountId}
          union select device_id from otp_events where account_id = ${accountId}
          union select destination from otp_events where account_id = ${accountId}
          union select host(ip) from account_events where account_id = ${accountId}
          union select user_agent from account_events where account_id = ${accountId}
          union select device_id from account_events where account_id = ${accountId}
          union select new_value from account_events where account_id = ${accountId}
          union select email from fraud_reports where account_id = ${accountId}
          union select phone from fraud_reports where account_id = ${accountId}
          union select client_ip from fraud_reports where account_id = ${accountId}
        ) s where v is not null`,
  );
  const distinctive = [account?.external_id, account?.display_name, account?.email, account?.phone].filter(
    (v): v is string => typeof v === 'string' && v.length >= 3,
  );
  // Contact values the account's events reported (a changed e-mail, an old phone) are distinctive too.
  const contacts = fromEvents.map((r) => r.v!).filter((v) => /@|^\+\d{6,}$/.test(v));
  const all = [...new Set([...distinctive, ...contacts, ...fromEvents.map((r) => r.v!)])].filter((v) => v.length >= 3);
  // Longest first: a value that contains another is replaced whole.
  const byLength = (a: string, b: string) => b.length - a.length;
  return { distinctive: [...new Set([...distinctive, ...contacts])].sort(byLength), all: all.sort(byLength) };
}

/** Waits for the ingest batches in flight and keeps new ones out until the erasure commits (db/account-id.ts). */
const waitForIngest = (tx: Tx) => tx.execute(sql`select pg_advisory_xact_lock(${ERASURE_LOCK_KEY})`);

/**
 * Erases the account and returns when, under which new id (null: another erasure of it finished first). The reads
 * of whole tables (the distinctive values in other rows) come first; only then does it make ingest wait
 * (waitForIngest) and lock the account, for the part that must not interleave with a batch: moving the account's
 * rows and clearing them, which reads by account id.
 */
async function performErasure(
  tx: TxContext,
  account: { id: string; external_id: string },
  record: { via: 'api' | 'console'; requestedBy: string | null; approvedBy: string | null; requestId?: string },
): Promise<ErasureResult | null> {
  if ((await heldReasons(tx.db, account.id)).length > 0) throw legalHold();
  const db = tx.db;
  const oldId = account.id;
  const newId = randomUUID();
  const erasedAt = new Date();
  const { distinctive, all } = await personalValues(db, oldId);
  const columns = mentionColumns(newId);
  for (const { table, column, json, elsewhere } of columns)
    if (elsewhere) await scrub(db, table, column, json, distinctive, elsewhere);

  await waitForIngest(db);
  const [still] = await queryRows<{ id: string }>(db, sql`select id from accounts where id = ${oldId} for update`);
  if (!still) return null;
  if ((await heldReasons(db, oldId)).length > 0) throw legalHold();

  // The account row moves to the new id, without name or contacts.
  await db.execute(sql`insert into accounts (id, external_id, display_name, email, email_observed_at, phone, phone_observed_at,
        reported_two_factor_enabled, reported_two_factor_method, reported_two_factor_observed_at, reported_password_changed_at,
        first_event_at, status, lock_reason_code, password_reset_required, password_reset_required_at, two_factor_required,
        two_factor_required_method, two_factor_off_approved_at, sessions_valid_after, version, created_at, updated_at)
      select ${newId}, ${`erased:${newId}`}, null, null, null, null, null,
        reported_two_factor_enabled, reported_two_factor_method, reported_two_factor_observed_at, reported_password_changed_at,
        first_event_at, status, lock_reason_code, password_reset_required, password_reset_required_at, two_factor_required,
        two_factor_required_method, two_factor_off_approved_at, sessions_valid_after, version, created_at, now()
      from accounts where id = ${oldId}`);
  for (const table of partitionedTables) {
    const extra =
      table === 'otp_events' ? sql`, destination = null` : table === 'account_events' ? sql`, new_value = null` : sql``;
    await db.execute(
      sql`update ${sql.raw(table)} set account_id = ${newId}, ip = null, user_agent = null, device_id = null ${extra}
          where account_id = ${oldId}`,
    );
  }
  for (const table of ownedTables)
    await db.execute(sql`update ${sql.raw(table)} set account_id = ${newId} where account_id = ${oldId}`);
  await db.execute(sql`update alerts set account_id = ${newId}, subject_id = ${`erased:${newId}`}
      where account_id = ${oldId} and subject_type = 'account'`);
  await db.execute(sql`update alerts set account_id = ${newId} where account_id = ${oldId}`);
  await db.execute(sql`update fraud_reports set account_id = ${newId}, email = null, phone = null, client_ip = null,
        description = '[erased]', details = '{}'::jsonb, contact_preference = null
      where account_id = ${oldId}`);
  await db.execute(sql`update fraud_reports set candidate_account_ids = (candidate_account_ids - ${oldId}::text) || ${JSON.stringify([newId])}::jsonb
      where candidate_account_ids ? ${oldId}`);
  await db.execute(sql`update two_factor_off_requests set account_id = ${newId} where account_id = ${oldId}`);
  await db.execute(sql`update outbox set account_id = ${newId} where account_id = ${oldId}`);
  await db.execute(sql`update account_holds set account_id = ${newId} where account_id = ${oldId}`);
  await db.execute(sql`delete from accounts where id = ${oldId}`);

  // Every personal value, in the rows that are the account's (by account id: indexed, and ingest is waiting).
  for (const { table, column, json, own } of columns) if (own) await scrub(db, table, column, json, all, own);

  // One row per erasure: an earlier erasure of the same platform id (an account erased, seen again, erased again)
  // gives up the key, so the repeated DELETE answers this one's erasedAt and the streams tell this one apart.
  const key = platformKey(account.external_id);
  await db.execute(sql`update account_erasures set platform_key = null where platform_key = ${key}`);
  if (record.requestId) {
    await db.execute(sql`update account_erasures set status = 'erased', account_id = ${newId}, platform_key = ${key},
          approved_by = ${record.approvedBy}, erased_at = ${erasedAt.toISOString()}::timestamptz where id = ${record.requestId}`);
  } else {
    await db.execute(sql`insert into account_erasures (account_id, status, platform_key, via, requested_by, approved_by, erased_at)
          values (${newId}, 'erased', ${key}, ${record.via}, ${record.requestedBy}, ${record.approvedBy}, ${erasedAt.toISOString()}::timestamptz)`);
  }
  await recordAudit(tx, { action: 'account.erase', targetType: 'account', targetId: newId });
  // The platform is told, by its own id: the row keeps it sealed until delivery opens it into the request, then drops
  // it (lib/outbox/deliver.ts), so Vigil holds it nowhere in the clear.
  const webhook = await loadWebhookSettings(db);
  if (webhook?.enabled)
    await db.execute(sql`insert into outbox (kind, account_id, topic, payload) values ('webhook', ${newId}, 'account.erased',
        ${JSON.stringify({ type: 'account.erased', sealedAccountId: seal(account.external_id), erasedAt: erasedAt.toISOString() })}::jsonb)`);
  return { erasedAt: erasedAt.toISOString(), accountId: newId };
}

/** The account by platform id (null: none, or erased already); performErasure locks it. */
async function findByPlatformId(tx: Tx, platformAccountId: string) {
  const [row] = await queryRows<{ id: string; external_id: string }>(
    tx,
    sql`select id, external_id from accounts where external_id = ${platformAccountId}`,
  );
  return row ?? null;
}

/**
 * DELETE /api/v1/accounts/{platformAccountId}: 202 with `erasedAt`; the first `erasedAt` again for an account erased
 * before (and not seen since); not found for an account Vigil never saw; `legal_hold` while it is held.
 */
export async function eraseAccountByPlatformId(ctx: ServiceContext, platformAccountId: string): Promise<ErasureResult> {
  authorize(ctx, 'accounts.erase');
  if (platformAccountId.length === 0 || platformAccountId.length > 128 || platformAccountId.startsWith('erased:'))
    throw notFound('Vigil has never seen this account.');
  return withTransaction(ctx, async (tx) => {
    const previous = async () => {
      const [done] = await queryRows<{ erased_at: string; account_id: string }>(
        tx.db,
        sql`select erased_at::text, account_id from account_erasures where platform_key = ${platformKey(platformAccountId)} and status = 'erased'`,
      );
      if (!done) throw notFound('Vigil has never seen this account.');
      return { erasedAt: new Date(done.erased_at).toISOString(), accountId: done.account_id };
    };
    const account = await findByPlatformId(tx.db, platformAccountId);
    if (!account) return previous();
    return (await performErasure(tx, account, { via: 'api', requestedBy: null, approvedBy: null })) ?? previous();
  });
}

/** The console's first step: an admin asks for erasure (a different admin must approve it). */
export async function requestErasure(ctx: ServiceContext, accountId: string): Promise<{ requestId: string }> {
  authorize(ctx, 'accounts.erase', { stepUp: true });
  return withTransaction(ctx, async (tx) => {
    const [account] = await queryRows<{ id: string }>(
      tx.db,
      sql`select id from accounts where id = ${accountId} for no key update`,
    );
    if (!account) throw notFound('No such account.');
    if ((await heldReasons(tx.db, accountId)).length > 0) throw legalHold();
    const [existing] = await queryRows<{ id: string }>(
      tx.db,
      sql`select id from account_erasures where account_id = ${accountId} and status = 'requested'`,
    );
    if (existing) throw conflict('Erasure of this account is already waiting for a second admin.');
    const [row] = await queryRows<{ id: string }>(
      tx.db,
      sql`insert into account_erasures (account_id, status, via, requested_by) values (${accountId}, 'requested', 'console', ${tx.actor.id}) returning id`,
    );
    await recordAudit(tx, { action: 'account.erase_requested', targetType: 'account', targetId: accountId });
    return { requestId: row!.id };
  });
}

/** The console's second step: a different admin approves, and the account is erased at once. */
export async function approveErasure(ctx: ServiceContext, requestId: string): Promise<ErasureResult> {
  authorize(ctx, 'accounts.erase', { stepUp: true });
  return withTransaction(ctx, async (tx) => {
    const [request] = await queryRows<{ id: string; account_id: string; requested_by: string | null }>(
      tx.db,
      sql`select id, account_id, requested_by from account_erasures where id = ${requestId} and status = 'requested' for update`,
    );
    if (!request) throw notFound('No erasure request waits with this id.');
    if (request.requested_by === tx.actor.id)
      throw forbidden('A different admin must approve the erasure you asked for.');
    const [account] = await queryRows<{ id: string; external_id: string }>(
      tx.db,
      sql`select id, external_id from accounts where id = ${request.account_id}`,
    );
    if (!account) throw notFound('No such account.');
    const done = await performErasure(tx, account, {
      via: 'console',
      requestedBy: request.requested_by,
      approvedBy: tx.actor.id,
      requestId: request.id,
    });
    if (!done) throw notFound('No such account: it was erased meanwhile.');
    return done;
  });
}

/** A waiting console request (the account page shows it). */
export async function pendingErasure(
  ctx: ServiceContext,
  accountId: string,
): Promise<{ id: string; requestedBy: string | null; requestedByName: string | null; createdAt: Date } | null> {
  authorize(ctx, 'accounts.view');
  const [row] = await queryRows<{ id: string; requested_by: string | null; name: string | null; created_at: string }>(
    ctx.db,
    sql`select e.id, e.requested_by, coalesce(s.name, s.email) as name, e.created_at::text from account_erasures e
        left join staff_users s on s.id = e.requested_by where e.account_id = ${accountId} and e.status = 'requested'`,
  );
  return row
    ? { id: row.id, requestedBy: row.requested_by, requestedByName: row.name, createdAt: new Date(row.created_at) }
    : null;
}
