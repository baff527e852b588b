import { sql } from 'drizzle-orm';
import { queryRows, type Tx } from '@/db/client';
import type { IngestEvent } from './event-schema';
import { workFor, type DetectionWork } from '@/lib/detection/work';
import { addToRollups } from './rollups';

export interface StoreResult {
  accepted: number;
  duplicates: number;
  /** Vigil account ids and IPs the batch touched: handed to detection after commit. */
  accountIds: string[];
  ips: string[];
  /** The new events' subjects, for detection after commit. */
  detection: DetectionWork;
}

/*
 * Every statement here is set-based: the whole batch travels as one JSON parameter and is unpacked with
 * jsonb_to_recordset, so a 1000-event batch is a handful of statements (no query per event, and no
 * 13 000-parameter VALUES lists to bind), identical on PostgreSQL and the embedded engine.
 */
const rows = (value: unknown[]) => sql`${JSON.stringify(value)}::jsonb`;

interface AccountSighting {
  external_id: string;
  first_event_at: string;
  last_event_at: string;
  email?: string;
  email_observed_at?: string;
  phone?: string;
  phone_observed_at?: string;
  tfa_enabled?: boolean;
  tfa_method?: string | null;
  tfa_observed_at?: string;
  pwd_changed_at?: string;
}

/** What the batch says about each account, keeping only the newest value of each reported field. */
function accountSightings(events: IngestEvent[]): AccountSighting[] {
  const byId = new Map<string, AccountSighting>();
  for (const e of events) {
    const at = e.occurredAt;
    const t = Date.parse(at);
    let s = byId.get(e.account.id);
    if (!s) {
      s = { external_id: e.account.id, first_event_at: at, last_event_at: at };
      byId.set(e.account.id, s);
    }
    if (t < Date.parse(s.first_event_at)) s.first_event_at = at;
    if (t > Date.parse(s.last_event_at)) s.last_event_at = at;
    if (e.account.email && (!s.email_observed_at || t > Date.parse(s.email_observed_at))) {
      s.email = e.account.email;
      s.email_observed_at = at;
    }
    if (e.account.phone && (!s.phone_observed_at || t > Date.parse(s.phone_observed_at))) {
      s.phone = e.account.phone;
      s.phone_observed_at = at;
    }
    if (e.type === 'account.password_changed' && (!s.pwd_changed_at || t > Date.parse(s.pwd_changed_at))) s.pwd_changed_at = at;
    if (e.type === 'account.2fa_changed' && (!s.tfa_observed_at || t > Date.parse(s.tfa_observed_at))) {
      s.tfa_enabled = e.enabled;
      s.tfa_method = e.enabled ? (e.method ?? null) : null;
      s.tfa_observed_at = at;
    }
  }
  // A fixed key order: concurrent batches lock account rows in the same order and cannot deadlock.
  return [...byId.values()].sort((a, b) => (a.external_id < b.external_id ? -1 : a.external_id > b.external_id ? 1 : 0));
}

const sightingColumns = `external_id text, first_event_at timestamptz, email text, email_observed_at timestamptz,
  phone text, phone_observed_at timestamptz, tfa_enabled boolean, tfa_method text, tfa_observed_at timestamptz, pwd_changed_at timestamptz`;

/** The accounts as the batch reports them, in external-id order (the lock order between batches). */
const insertSightings = (sightings: AccountSighting[]) =>
  sql`insert into accounts (external_id, first_event_at, email, email_observed_at, phone, phone_observed_at,
        reported_two_factor_enabled, reported_two_factor_method, reported_two_factor_observed_at, reported_password_changed_at)
      select external_id, first_event_at, email, email_observed_at, phone, phone_observed_at,
        coalesce(tfa_enabled, false), tfa_method, tfa_observed_at, pwd_changed_at
      from jsonb_to_recordset(${rows(sightings)}) as t(${sql.raw(sightingColumns)})
      order by external_id`;

/** A reported value replaces the stored one only if its event is newer than the event that set it. */
const newer = (value: string, observedAt: string) =>
  `case when excluded.${observedAt} is not null and (accounts.${observedAt} is null or excluded.${observedAt} > accounts.${observedAt}) then excluded.${value} else accounts.${value} end`;

const selectIds = (tx: Tx, externalIds: string[]) =>
  queryRows<{ id: string; external_id: string }>(
    tx,
    sql`select id, external_id from accounts where external_id = any(array(select jsonb_array_elements_text(${rows(externalIds)})))`,
  );

/**
 * Ids for every account of the batch. Known accounts are only read (most of a batch, once the platform has
 * been sending for a while); new ones are created with what the batch reports (ON CONFLICT DO NOTHING: a
 * concurrent batch may create the same account first, and is then read too). No lock is taken on rows
 * that already exist, so batches about the same accounts do not queue behind each other here; their
 * reported state is updated at the very end (updateAccounts).
 */
async function accountIdsFor(tx: Tx, sightings: AccountSighting[]): Promise<{ ids: Map<string, string>; created: Set<string> }> {
  const ids = new Map((await selectIds(tx, sightings.map((s) => s.external_id))).map((r) => [r.external_id, r.id]));
  const created = new Set<string>();
  const missing = sightings.filter((s) => !ids.has(s.external_id));
  if (missing.length === 0) return { ids, created };
  const inserted = await queryRows<{ id: string; external_id: string }>(
    tx,
    sql`${insertSightings(missing)}
        on conflict (external_id) do nothing
        returning id, external_id`,
  );
  for (const r of inserted) {
    ids.set(r.external_id, r.id);
    created.add(r.external_id);
  }
  const raced = missing.filter((s) => !ids.has(s.external_id)).map((s) => s.external_id);
  if (raced.length > 0) for (const r of await selectIds(tx, raced)) ids.set(r.external_id, r.id);
  return { ids, created };
}

/**
 * Moves each account's last activity forward; the first batch of an account creates its row. Rows go in
 * account-id order. Each belongs to an account row this transaction has already created or updated (in
 * external-id order), so two batches reach here only after settling the account rows: no lock cycle.
 * A batch of older events leaves the row alone.
 */
async function updateActivity(tx: Tx, sightings: AccountSighting[], ids: Map<string, string>): Promise<void> {
  const activity = sightings.map((s) => ({ account_id: ids.get(s.external_id)!, last_event_at: s.last_event_at }));
  await tx.execute(
    sql`insert into account_activity as a (account_id, last_event_at)
        select account_id, last_event_at from jsonb_to_recordset(${rows(activity)}) as t(account_id uuid, last_event_at timestamptz) order by account_id
        on conflict (account_id) do update set last_event_at = excluded.last_event_at where excluded.last_event_at > a.last_event_at`,
  );
}

/**
 * Applies what the batch reports (contacts, enrolled 2FA, first event). Events never touch what staff
 * imposed (status, reset, 2FA required) nor the version; a row that would not change is left alone.
 * Runs last in the transaction, in external-id order, so row locks are held briefly and always taken
 * in the same order (no deadlocks between concurrent batches).
 */
async function updateAccounts(tx: Tx, sightings: AccountSighting[]): Promise<void> {
  await tx.execute(
    sql`${insertSightings(sightings)}
        on conflict (external_id) do update set
          email = ${sql.raw(newer('email', 'email_observed_at'))},
          phone = ${sql.raw(newer('phone', 'phone_observed_at'))},
          reported_two_factor_enabled = ${sql.raw(newer('reported_two_factor_enabled', 'reported_two_factor_observed_at'))},
          reported_two_factor_method = ${sql.raw(newer('reported_two_factor_method', 'reported_two_factor_observed_at'))},
          email_observed_at = greatest(accounts.email_observed_at, excluded.email_observed_at),
          phone_observed_at = greatest(accounts.phone_observed_at, excluded.phone_observed_at),
          reported_two_factor_observed_at = greatest(accounts.reported_two_factor_observed_at, excluded.reported_two_factor_observed_at),
          reported_password_changed_at = greatest(accounts.reported_password_changed_at, excluded.reported_password_changed_at),
          first_event_at = least(accounts.first_event_at, excluded.first_event_at)
        where excluded.first_event_at < accounts.first_event_at
           or excluded.email_observed_at > accounts.email_observed_at or (accounts.email_observed_at is null and excluded.email_observed_at is not null)
           or excluded.phone_observed_at > accounts.phone_observed_at or (accounts.phone_observed_at is null and excluded.phone_observed_at is not null)
           or excluded.reported_two_factor_observed_at > accounts.reported_two_factor_observed_at
           or (accounts.reported_two_factor_observed_at is null and excluded.reported_two_factor_observed_at is not null)
           or excluded.reported_password_changed_at > accounts.reported_password_changed_at
           or (accounts.reported_password_changed_at is null and excluded.reported_password_changed_at is not null)`,
  );
}

/** Claims event ids in the idempotency ledger (sorted, so concurrent batches wait in one order); returns the new ones. */
async function claimEventIds(tx: Tx, ids: string[], receivedAt: Date): Promise<Set<string>> {
  const claimed = await queryRows<{ event_id: string }>(
    tx,
    sql`insert into seen_events (event_id, received_at)
        select id, ${receivedAt.toISOString()}::timestamptz from jsonb_array_elements_text(${rows([...ids].sort())}) as id order by id
        on conflict do nothing returning event_id`,
  );
  return new Set(claimed.map((r) => r.event_id));
}

const contextColumns = 'ip inet, user_agent text, device_id text, country text';

/**
 * Stores a validated batch inside the caller's transaction: dedupe against the seen-id ledger (first
 * write wins), find or create the accounts, append the raw events, then update the accounts' reported
 * state and add the events to the hourly rollups.
 */
export async function storeEvents(tx: Tx, batch: IngestEvent[], receivedAt: Date = new Date()): Promise<StoreResult> {
  const firstById = new Map<string, IngestEvent>();
  for (const e of batch) if (!firstById.has(e.id)) firstById.set(e.id, e);
  const fresh = await claimEventIds(tx, [...firstById.keys()], receivedAt);
  const events = [...firstById.values()].filter((e) => fresh.has(e.id));
  const duplicates = batch.length - events.length;
  if (events.length === 0) return { accepted: 0, duplicates, accountIds: [], ips: [], detection: workFor([]) };

  const sightings = accountSightings(events);
  const { ids: accountIds, created } = await accountIdsFor(tx, sightings);
  const received = receivedAt.toISOString();
  const logins: Record<string, unknown>[] = [];
  const otps: Record<string, unknown>[] = [];
  const changes: Record<string, unknown>[] = [];
  for (const e of events) {
    const c = e.context;
    const common = { event_id: e.id, account_id: accountIds.get(e.account.id), occurred_at: e.occurredAt, ip: c?.ip, user_agent: c?.userAgent, device_id: c?.deviceId, country: c?.country };
    switch (e.type) {
      case 'login.succeeded':
        logins.push({ ...common, outcome: 'succeeded', method: e.method });
        break;
      case 'login.failed':
        logins.push({ ...common, outcome: 'failed', failure_reason: e.reason });
        break;
      case 'otp.issued':
      case 'otp.verified':
      case 'otp.failed':
      case 'otp.delivery_failed':
        otps.push({ ...common, kind: e.type.slice(4), otp_id: e.otpId, channel: e.channel, purpose: e.purpose, failure_reason: 'reason' in e ? e.reason : undefined });
        break;
      case 'account.contact_changed':
        changes.push({ ...common, type: 'contact_changed', field: e.field, new_value: e.field === 'email' ? e.account.email : e.account.phone });
        break;
      case 'account.password_changed':
        changes.push({ ...common, type: 'password_changed' });
        break;
      case 'account.2fa_changed':
        changes.push({ ...common, type: '2fa_changed', two_factor_enabled: e.enabled, two_factor_method: e.method });
        break;
    }
  }
  if (logins.length > 0) {
    await tx.execute(sql`insert into login_events (event_id, account_id, occurred_at, received_at, outcome, method, failure_reason, ip, user_agent, device_id, country)
      select event_id, account_id, occurred_at, ${received}::timestamptz, outcome, method, failure_reason, ip, user_agent, device_id, country
      from jsonb_to_recordset(${rows(logins)}) as t(event_id text, account_id uuid, occurred_at timestamptz, outcome text, method text, failure_reason text, ${sql.raw(contextColumns)})`);
  }
  if (otps.length > 0) {
    await tx.execute(sql`insert into otp_events (event_id, account_id, occurred_at, received_at, otp_id, kind, channel, purpose, failure_reason, ip, user_agent, device_id, country)
      select event_id, account_id, occurred_at, ${received}::timestamptz, otp_id, kind, channel, purpose, failure_reason, ip, user_agent, device_id, country
      from jsonb_to_recordset(${rows(otps)}) as t(event_id text, account_id uuid, occurred_at timestamptz, otp_id text, kind text, channel text, purpose text, failure_reason text, ${sql.raw(contextColumns)})`);
  }
  if (changes.length > 0) {
    await tx.execute(sql`insert into account_events (event_id, account_id, occurred_at, received_at, type, field, new_value, two_factor_enabled, two_factor_method, ip, user_agent, device_id, country)
      select event_id, account_id, occurred_at, ${received}::timestamptz, type, field, new_value, two_factor_enabled, two_factor_method, ip, user_agent, device_id, country
      from jsonb_to_recordset(${rows(changes)}) as t(event_id text, account_id uuid, occurred_at timestamptz, type text, field text, new_value text, two_factor_enabled boolean, two_factor_method text, ${sql.raw(contextColumns)})`);
  }
  // Shared rows last: account state, then the hourly counters, so their locks live only until commit.
  const known = sightings.filter((s) => !created.has(s.external_id));
  if (known.length > 0) await updateAccounts(tx, known);
  await updateActivity(tx, sightings, accountIds);
  await addToRollups(tx, events);

  const ips = new Set<string>();
  for (const e of events) if (e.context?.ip) ips.add(e.context.ip);
  const detection = workFor(events.map((e) => ({ eventId: e.id, accountId: accountIds.get(e.account.id)!, occurredAt: e.occurredAt, type: e.type, ip: e.context?.ip, purpose: 'purpose' in e ? e.purpose : undefined })));
  return { accepted: events.length, duplicates, accountIds: [...new Set(accountIds.values())], ips: [...ips], detection };
}
