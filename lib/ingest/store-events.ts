import { sql, type SQL } from 'drizzle-orm';
import { accountIdFor, ERASURE_LOCK_KEY, NEW_ACCOUNT_LOCK_CLASS } from '@/db/account-id';
import { queryRows, type Tx } from '@/db/client';
import { arrayOf, epochMs, jsonb, jsonbRows } from '@/db/sql-helpers';
import type { IngestEvent } from './event-schema';
import { backlogInsert } from '@/lib/detection/backlog';
import { ensureMonthsInTransaction, monthsOf } from '@/lib/retention/partitions';
import { retentionCutoff } from '@/lib/retention/config';
import { workFor, workSize, type DetectionWork } from '@/lib/detection/work';
import { pairCodes } from './code-latency';
import { queueEventNotices } from './event-notices';
import { phoneChannels, phonePrefix } from './phone-prefix';
import { nextShard, rollupUpserts, type Destinations } from './rollups';

export interface StoreResult {
  accepted: number;
  duplicates: number;
  /** Events older than the raw-event retention window (VIGIL_RETENTION_EVENTS_DAYS): counted, not stored. */
  expired: number;
  /** Vigil account ids and IPs the batch touched: handed to detection after commit. */
  accountIds: string[];
  ips: string[];
  /** The new events' subjects, for detection after commit. */
  detection: DetectionWork;
  /** The batch's row in the detection backlog (null when it gave detection nothing to do). */
  backlogRow: number | null;
}

/*
 * Every statement here is set-based: the whole batch travels as one JSON parameter and is unpacked in
 * the statement (jsonbRows), so a 1000-event batch is a handful of statements (no query per event, and no
 * 13 000-parameter VALUES lists to bind), identical on PostgreSQL and the embedded engine.
 */

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

/** The same instants as epoch milliseconds, for comparing in memory (never sent to the database). */
interface SightingTimes {
  first: number;
  last: number;
  email?: number;
  phone?: number;
  tfa?: number;
  pwd?: number;
}

interface Sighting {
  row: AccountSighting;
  t: SightingTimes;
}

/** What the batch says about each account, keeping only the newest value of each reported field. */
function accountSightings(events: IngestEvent[]): Sighting[] {
  const byId = new Map<string, Sighting>();
  for (const e of events) {
    const at = e.occurredAt;
    const ms = Date.parse(at);
    let s = byId.get(e.account.id);
    if (!s) {
      s = { row: { external_id: e.account.id, first_event_at: at, last_event_at: at }, t: { first: ms, last: ms } };
      byId.set(e.account.id, s);
    }
    const { row, t } = s;
    if (ms < t.first) {
      row.first_event_at = at;
      t.first = ms;
    }
    if (ms > t.last) {
      row.last_event_at = at;
      t.last = ms;
    }
    if (e.account.email && (t.email === undefined || ms > t.email)) {
      row.email = e.account.email;
      row.email_observed_at = at;
      t.email = ms;
    }
    if (e.account.phone && (t.phone === undefined || ms > t.phone)) {
      row.phone = e.account.phone;
      row.phone_observed_at = at;
      t.phone = ms;
    }
    if (e.type === 'account.password_changed' && (t.pwd === undefined || ms > t.pwd)) {
      row.pwd_changed_at = at;
      t.pwd = ms;
    }
    if (e.type === 'account.2fa_changed' && (t.tfa === undefined || ms > t.tfa)) {
      row.tfa_enabled = e.enabled;
      row.tfa_method = e.enabled ? (e.method ?? null) : null;
      row.tfa_observed_at = at;
      t.tfa = ms;
    }
  }
  // A fixed key order: concurrent batches lock account rows in the same order and cannot deadlock.
  return [...byId.values()].sort((a, b) =>
    a.row.external_id < b.row.external_id ? -1 : a.row.external_id > b.row.external_id ? 1 : 0,
  );
}

const sightingColumns = `external_id text, first_event_at timestamptz, email text, email_observed_at timestamptz,
  phone text, phone_observed_at timestamptz, tfa_enabled boolean, tfa_method text, tfa_observed_at timestamptz, pwd_changed_at timestamptz`;

/** A reported value replaces the stored one only if its event is newer than the event that set it. */
const newer = (value: string, observedAt: string) =>
  `case when excluded.${observedAt} is not null and (accounts.${observedAt} is null or excluded.${observedAt} > accounts.${observedAt}) then excluded.${value} else accounts.${value} end`;

/** An account as stored, with the instants its reported state was last set from (epoch ms, null if never). */
interface KnownAccount {
  id: string;
  external_id: string;
  email: string | null;
  phone: string | null;
  first_ms: number;
  email_ms: number | null;
  phone_ms: number | null;
  tfa_ms: number | null;
  pwd_ms: number | null;
  /** Its latest event so far (null: no activity row yet). */
  last_ms: number | null;
}

const selectKnown = (tx: Tx, externalIds: string[]) =>
  queryRows<KnownAccount>(
    tx,
    sql`select a.id, a.external_id, a.email, a.phone, ${epochMs('a.first_event_at')} as first_ms, ${epochMs('a.email_observed_at')} as email_ms,
          ${epochMs('a.phone_observed_at')} as phone_ms, ${epochMs('a.reported_two_factor_observed_at')} as tfa_ms,
          ${epochMs('a.reported_password_changed_at')} as pwd_ms, ${epochMs('act.last_event_at')} as last_ms
        from accounts a left join account_activity act on act.account_id = a.id
        where a.external_id = any(${arrayOf(externalIds)})`,
  );

/** Whether the batch has anything newer than what is stored (the same test writeAccounts makes under lock). */
const reportsNews = ({ t }: Sighting, k: KnownAccount) => {
  const later = (reported: number | undefined, stored: number | null) =>
    reported !== undefined && (stored === null || reported > stored);
  return (
    t.first < k.first_ms ||
    later(t.email, k.email_ms) ||
    later(t.phone, k.phone_ms) ||
    later(t.tfa, k.tfa_ms) ||
    later(t.pwd, k.pwd_ms)
  );
};

interface BatchAccounts {
  ids: Map<string, string>;
  /** Each account's phone: the newest the batch reports, else the stored one (where SMS and voice codes went). */
  phones: Map<string, string>;
  /** The contacts stored before this batch, by platform id (a contact change's notice also goes to the old one). */
  stored: Map<string, { email: string | null; phone: string | null }>;
  /** Accounts to create, or whose stored reported state the batch moves forward, in external-id order. */
  toWrite: { id: string; row: AccountSighting }[];
  /** Accounts whose last activity the batch moves forward (or creates). */
  toTouch: { account_id: string; last_event_at: string }[];
  /** The platform ids of the accounts the batch found no row for: it creates them (lockNewAccounts orders their locks). */
  toCreate: string[];
}

/**
 * The batch's accounts, read before anything is locked: their ids (a new account's id is derived from
 * its platform id, so it is known before the account is created), and what is stored of their reported
 * state and activity, so that only rows the batch creates or moves are written, and locked, at the end.
 */
async function accountsFor(tx: Tx, sightings: Sighting[]): Promise<BatchAccounts> {
  const known = new Map(
    (
      await selectKnown(
        tx,
        sightings.map((s) => s.row.external_id),
      )
    ).map((k) => [k.external_id, k]),
  );
  const ids = new Map<string, string>();
  const phones = new Map<string, string>();
  const stored = new Map<string, { email: string | null; phone: string | null }>();
  const toWrite: BatchAccounts['toWrite'] = [];
  const toTouch: BatchAccounts['toTouch'] = [];
  const toCreate: string[] = [];
  for (const s of sightings) {
    const k = known.get(s.row.external_id);
    const id = k?.id ?? accountIdFor(s.row.external_id);
    ids.set(s.row.external_id, id);
    if (k) stored.set(s.row.external_id, { email: k.email, phone: k.phone });
    const phone = s.row.phone ?? k?.phone;
    if (phone) phones.set(s.row.external_id, phone);
    if (!k) toCreate.push(s.row.external_id);
    if (!k || reportsNews(s, k)) toWrite.push({ id, row: s.row });
    if (!k || k.last_ms === null || s.t.last > k.last_ms)
      toTouch.push({ account_id: id, last_event_at: s.row.last_event_at });
  }
  return { ids, phones, stored, toWrite, toTouch, toCreate };
}

/**
 * Waits until no other batch is creating one of these new accounts, and keeps the others out until commit
 * (NEW_ACCOUNT_LOCK_CLASS says why): the accounts insert that follows then finds a row another batch committed
 * meanwhile by its arbiter, and updates it. Locks are taken in key order, so two batches cannot wait on each other
 * here; a batch takes them after its code rows and before any account, activity or rollup row.
 */
const lockNewAccounts = (externalIds: string[]) =>
  sql`select count(pg_advisory_xact_lock(${NEW_ACCOUNT_LOCK_CLASS}, k))
        from (select distinct hashtext(id) as k from jsonb_array_elements_text(${jsonb(externalIds)}) as id order by k) as t`;

/**
 * Creates the batch's new accounts with what it reports, and applies what it reports about known ones
 * (contacts, enrolled 2FA, first event). A new account that a concurrent batch created first is updated
 * like a known one. Events never touch what staff imposed (status, reset, 2FA required) nor the version.
 * The WHERE repeats, under the row lock, the test accountsFor made on its earlier read, because a
 * concurrent batch may have moved the row since.
 */
const writeAccounts = (accounts: BatchAccounts['toWrite']) =>
  sql`insert into accounts (id, external_id, first_event_at, email, email_observed_at, phone, phone_observed_at,
        reported_two_factor_enabled, reported_two_factor_method, reported_two_factor_observed_at, reported_password_changed_at)
      select id, external_id, first_event_at, email, email_observed_at, phone, phone_observed_at,
        coalesce(tfa_enabled, false), tfa_method, tfa_observed_at, pwd_changed_at
      from ${jsonbRows(
        `id uuid, ${sightingColumns}`,
        accounts.map(({ id, row: a }) => [
          id,
          a.external_id,
          a.first_event_at,
          a.email,
          a.email_observed_at,
          a.phone,
          a.phone_observed_at,
          a.tfa_enabled,
          a.tfa_method,
          a.tfa_observed_at,
          a.pwd_changed_at,
        ]),
      )} as t
      order by external_id
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
         or (accounts.reported_password_changed_at is null and excluded.reported_password_changed_at is not null)`;

/** Moves each account's last activity forward (a late, older event leaves it alone); creates the first one. Rows in account-id order. */
const updateActivity = (activity: BatchAccounts['toTouch']) =>
  sql`insert into account_activity as a (account_id, last_event_at)
      select account_id, last_event_at from ${jsonbRows(
        'account_id uuid, last_event_at timestamptz',
        activity.map((a) => [a.account_id, a.last_event_at]),
      )} as t order by account_id
      on conflict (account_id) do update set last_event_at = excluded.last_event_at where excluded.last_event_at > a.last_event_at`;

/**
 * Where each SMS or voice code of the batch went (by event id): the phone on the event, else the account's. Each
 * number is parsed once per batch: a code's issued, delivered and used events go to the same number, and parsing was
 * a tenth of a batch's time in Node (docs/data-lifecycle.md, session 27).
 */
export function destinationsOf(events: IngestEvent[], phones: Map<string, string>): Destinations {
  const out: Destinations = new Map();
  const prefixes = new Map<string, ReturnType<typeof phonePrefix>>();
  for (const e of events) {
    if (!('channel' in e) || !phoneChannels.includes(e.channel)) continue;
    const number = e.account.phone ?? phones.get(e.account.id);
    if (!number) continue;
    let at = prefixes.get(number);
    if (at === undefined) prefixes.set(number, (at = phonePrefix(number)));
    out.set(e.id, { number, at });
  }
  return out;
}

/** Claims event ids in the idempotency ledger (sorted, so concurrent batches wait in one order); returns the new ones. */
async function claimEventIds(tx: Tx, ids: string[], receivedAt: Date): Promise<Set<string>> {
  const claimed = await queryRows<{ event_id: string }>(
    tx,
    sql`insert into seen_events (event_id, received_at)
        select id, ${receivedAt.toISOString()}::timestamptz from jsonb_array_elements_text(${jsonb([...ids].sort())}) as id order by id
        on conflict do nothing returning event_id`,
  );
  return new Set(claimed.map((r) => r.event_id));
}

/** The batch's events whose ids the ledger had not seen, claimed for this transaction (a repeated id counts once: the first wins). */
export async function claimNewEvents(tx: Tx, batch: IngestEvent[], receivedAt: Date): Promise<IngestEvent[]> {
  const firstById = new Map<string, IngestEvent>();
  for (const e of batch) if (!firstById.has(e.id)) firstById.set(e.id, e);
  const fresh = await claimEventIds(tx, [...firstById.keys()], receivedAt);
  return [...firstById.values()].filter((e) => fresh.has(e.id));
}

/** Each event table's rows as the batch sends them: the columns every event has, then the table's own. */
const commonColumns =
  'event_id text, account_id uuid, occurred_at timestamptz, ip inet, user_agent text, device_id text, country text';
const loginColumns = `${commonColumns}, outcome text, method text, failure_reason text`;
const otpColumns = `${commonColumns}, kind text, otp_id text, channel text, purpose text, failure_reason text, destination text`;
const changeColumns = `${commonColumns}, type text, field text, new_value text, two_factor_enabled boolean, two_factor_method text`;
/** The names of a column list: 'event_id text, account_id uuid' → 'event_id, account_id'. */
const stored = (columns: string) => columns.replace(/ \w+(,|$)/g, '$1');

/**
 * One statement of data-modifying CTEs: one round trip for several writes, run in the order given (so their row locks
 * are taken in that order). It returns what `returning` returns, if given; that part runs first.
 *
 * PostgreSQL runs the data-modifying CTEs its main query does not read after the main query, last listed first
 * (ExecPostprocessPlan walks them in reverse order of creation), so the parts are listed in reverse.
 */
export const inOneStatement = (parts: SQL[], returning?: SQL) =>
  sql`with ${sql.join(
    [
      ...parts.map((part, i) => sql`${sql.raw(`w${i}`)} as (${part})`).reverse(),
      ...(returning ? [sql`r as (${returning})`] : []),
    ],
    sql`, `,
  )} ${returning ? sql`select * from r` : sql`select 1`}`;

/** The raw events, by table, in one statement. Rows are positional, in their table's column list above. */
export function insertEvents(
  events: IngestEvent[],
  accountIds: Map<string, string>,
  received: string,
  destinations: Destinations = new Map(),
): SQL[] {
  const logins: unknown[][] = [];
  const otps: unknown[][] = [];
  const changes: unknown[][] = [];
  for (const e of events) {
    const c = e.context;
    const accountId = accountIds.get(e.account.id);
    switch (e.type) {
      case 'login.succeeded':
        logins.push([
          e.id,
          accountId,
          e.occurredAt,
          c?.ip,
          c?.userAgent,
          c?.deviceId,
          c?.country,
          'succeeded',
          e.method,
          null,
        ]);
        break;
      case 'login.failed':
        logins.push([
          e.id,
          accountId,
          e.occurredAt,
          c?.ip,
          c?.userAgent,
          c?.deviceId,
          c?.country,
          'failed',
          null,
          e.reason,
        ]);
        break;
      case 'otp.issued':
      case 'otp.delivered':
      case 'otp.verified':
      case 'otp.failed':
      case 'otp.delivery_failed':
        otps.push([
          e.id,
          accountId,
          e.occurredAt,
          c?.ip,
          c?.userAgent,
          c?.deviceId,
          c?.country,
          e.type.slice(4),
          e.otpId,
          e.channel,
          e.purpose,
          'reason' in e ? e.reason : null,
          destinations.get(e.id)?.number ?? null,
        ]);
        break;
      case 'account.contact_changed':
        changes.push([
          e.id,
          accountId,
          e.occurredAt,
          c?.ip,
          c?.userAgent,
          c?.deviceId,
          c?.country,
          'contact_changed',
          e.field,
          e.field === 'email' ? e.account.email : e.account.phone,
          null,
          null,
        ]);
        break;
      case 'account.password_changed':
        changes.push([
          e.id,
          accountId,
          e.occurredAt,
          c?.ip,
          c?.userAgent,
          c?.deviceId,
          c?.country,
          'password_changed',
          null,
          null,
          null,
          null,
        ]);
        break;
      case 'account.2fa_changed':
        changes.push([
          e.id,
          accountId,
          e.occurredAt,
          c?.ip,
          c?.userAgent,
          c?.deviceId,
          c?.country,
          '2fa_changed',
          null,
          null,
          e.enabled,
          e.method,
        ]);
        break;
    }
  }
  const inserts: SQL[] = [];
  for (const [table, columns, rows] of [
    ['login_events', loginColumns, logins],
    ['otp_events', otpColumns, otps],
    ['account_events', changeColumns, changes],
  ] as const) {
    if (rows.length === 0) continue;
    const names = stored(columns);
    inserts.push(
      sql`insert into ${sql.raw(`${table} (${names}, received_at)`)} select ${sql.raw(names)}, ${received}::timestamptz from ${jsonbRows(columns, rows)} as t`,
    );
  }
  return inserts;
}

/**
 * The batch's events the raw-event retention window still keeps, and how many it does not: those are not stored
 * (their month's partition may be dropped already) nor claimed in the ledger, and the batch's other events are.
 */
export function splitExpired(batch: IngestEvent[], receivedAt: Date): { kept: IngestEvent[]; expired: number } {
  const cutoff = retentionCutoff('events', receivedAt);
  if (!cutoff) return { kept: batch, expired: 0 };
  const kept = batch.filter((e) => Date.parse(e.occurredAt) >= cutoff.getTime());
  return { kept, expired: batch.length - kept.length };
}

/**
 * Stores a validated batch inside the caller's transaction: dedupe against the seen-id ledger (first
 * write wins), read the accounts, append the raw events, queue the notices (rows of the batch's own), upsert the
 * batch's codes, then, in one last statement, count the codes' latencies (in the batch's own shard), create the new
 * accounts, move the known ones' reported state and activity forward and add the events to the rollups.
 *
 * Rows other batches also write (accounts, activity, rollup counters) are written, and so locked, only in
 * that last statement, right before commit, and only where the batch changes them: concurrent batches
 * about the same accounts, new ones included, wait on each other as briefly as possible. Code rows are
 * locked by the statement just before it (their latency is counted in the last one). A batch's locks come
 * in one fixed order (code rows by key; the advisory locks of the accounts it creates, by key; then, in the
 * last statement, the codes' latency rows in the batch's own shard, accounts by external id, activity by
 * account id, rollups by key; parts with nothing to write are left out), so two batches lock shared rows in
 * the same order and cannot deadlock.
 */
export async function storeEvents(
  tx: Tx,
  batch: IngestEvent[],
  receivedAt: Date = new Date(),
  options: { partitionsReady?: boolean } = {},
): Promise<StoreResult> {
  // No erasure runs between reading the accounts and committing (db/account-id.ts). First, before the batch holds
  // any row lock (a batch waiting here behind an erasure must not hold what another batch the erasure waits for
  // needs: the seen-id rows of a retried batch), and in its own statement (the next one's snapshot must come after
  // any erasure this waited for).
  await tx.execute(sql`select pg_advisory_xact_lock_shared(${ERASURE_LOCK_KEY})`);
  const { kept, expired } = splitExpired(batch, receivedAt);
  const events = await claimNewEvents(tx, kept, receivedAt);
  const duplicates = kept.length - events.length;
  if (events.length === 0)
    return { accepted: 0, duplicates, expired, accountIds: [], ips: [], detection: workFor([]), backlogRow: null };
  // ingestBatch made the months' partitions before its transaction; seeds and tests calling this directly did not.
  if (!options.partitionsReady) await ensureMonthsInTransaction(tx, monthsOf(events.map((e) => e.occurredAt)));

  const {
    ids: accountIds,
    phones,
    stored,
    toWrite,
    toTouch,
    toCreate,
  } = await accountsFor(tx, accountSightings(events));
  const destinations = destinationsOf(events, phones);
  const detection = workFor(
    events.map((e) => ({
      eventId: e.id,
      accountId: accountIds.get(e.account.id)!,
      occurredAt: e.occurredAt,
      type: e.type,
      ip: e.context?.ip,
      purpose: 'purpose' in e ? e.purpose : undefined,
      reason: 'reason' in e ? e.reason : undefined,
      enabled: e.type === 'account.2fa_changed' ? e.enabled : undefined,
      channel: 'channel' in e ? e.channel : undefined,
      destination: destinations.get(e.id),
    })),
  );
  // The raw events and the batch's detection work go in together: committed events always have their work on
  // record. A batch no rule could use (2FA turned on, codes verified) has none.
  const hasWork = workSize(detection) > 0;
  const [backlog] = await queryRows<{ id: string }>(
    tx,
    inOneStatement(
      insertEvents(events, accountIds, receivedAt.toISOString(), destinations),
      hasWork ? backlogInsert(detection) : undefined,
    ),
  );
  // One shard for all of the batch's counters, latencies included: the batches this process has in flight never
  // meet on a counter row (a random shard for the latencies met another batch's 59% of the time at 4 in flight).
  const shard = nextShard();
  // The notices (rows of the batch's own) first; then the codes, the first rows a batch with the same codes' other
  // events waits for; then, in one last statement, the codes' latency counts and the rows concurrent batches share.
  await queueEventNotices(tx, events, accountIds, stored);
  const shared: SQL[] = await pairCodes(tx, events, accountIds, shard);
  if (toCreate.length > 0) await tx.execute(lockNewAccounts(toCreate));
  if (toWrite.length > 0) shared.push(writeAccounts(toWrite));
  if (toTouch.length > 0) shared.push(updateActivity(toTouch));
  shared.push(...rollupUpserts(events, destinations, shard));
  if (shared.length > 0) await tx.execute(inOneStatement(shared));

  const ips = new Set<string>();
  for (const e of events) if (e.context?.ip) ips.add(e.context.ip);
  return {
    accepted: events.length,
    duplicates,
    expired,
    accountIds: [...new Set(accountIds.values())],
    ips: [...ips],
    detection,
    backlogRow: hasWork ? Number(backlog!.id) : null,
  };
}
