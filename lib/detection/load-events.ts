import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Tx } from '@/db/client';
import { arrayOf, epochMs, jsonbRows } from '@/db/sql-helpers';
import type { IngestEventType } from '@/lib/ingest/event-schema';
import type { EvidenceSpan } from './rules/sms-pumping';
import type { DetectionEvent, PrefixMinute } from './types';

interface EventRow {
  event_id: string;
  type: string;
  occurred_ms: number;
  account_id: string;
  account: string;
  ip: string | null;
  device_id: string | null;
  country: string | null;
  reason: string | null;
  otp_id: string | null;
  channel: string | null;
  purpose: string | null;
  field: string | null;
  enabled: boolean | null;
}

const toEvent = (r: Omit<EventRow, 'account'>, account: string): DetectionEvent => ({
  eventId: r.event_id,
  type: r.type as IngestEventType,
  occurredAt: r.occurred_ms,
  accountId: r.account_id,
  account,
  ip: r.ip,
  deviceId: r.device_id,
  country: r.country,
  reason: r.reason,
  otpId: r.otp_id,
  channel: r.channel,
  purpose: r.purpose,
  field: r.field,
  enabled: r.enabled,
});

/** Milliseconds since the epoch, as the rules count time (no timestamp text to format and parse back). */
const occurredMs = epochMs('e.occurred_at');

/**
 * One account's rows of an event table inside its window, through the (account, time) index. The subquery
 * is kept apart (offset 0) so the planner cannot fold it into a hash join over the whole table: the cost
 * follows the accounts' own events, not the size of the store.
 */
const perAccount = (table: string, extra: SQL) =>
  sql`select * from ${sql.raw(table)} e where e.account_id = w.account_id and e.occurred_at >= w.history_since and e.occurred_at <= w.until ${extra} offset 0`;

/** Time order, then event id: the same order on every run, whatever order rows come back in. */
const byTime = (a: DetectionEvent, b: DetectionEvent) =>
  a.occurredAt - b.occurredAt || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0);

export interface AccountWindow {
  accountId: string;
  since: Date;
  until: Date;
  /** Events that vouch for a device or country (successful logins, verified codes, account changes) are read from here on: longer, for the new-device rule. */
  historySince: Date;
}

export interface AccountEvents {
  account: string;
  firstEventAt: number;
  events: DetectionEvent[];
}

/** Every account's events inside its window, in one round trip (set-based, one statement for all accounts). */
export async function loadAccountEvents(tx: Tx, windows: AccountWindow[]): Promise<Map<string, AccountEvents>> {
  const result = new Map<string, AccountEvents>();
  if (windows.length === 0) return result;
  const w = jsonbRows(
    'account_id uuid, since timestamptz, until timestamptz, history_since timestamptz',
    windows.map((x) => [x.accountId, x.since.toISOString(), x.until.toISOString(), x.historySince.toISOString()]),
  );
  const accounts = await queryRows<{ id: string; external_id: string; first_event_at: string }>(
    tx,
    sql`select a.id, a.external_id, a.first_event_at::text from accounts a
        where a.id = any(${arrayOf(
          windows.map((x) => x.accountId),
          'uuid',
        )})`,
  );
  for (const a of accounts)
    result.set(a.id, { account: a.external_id, firstEventAt: Date.parse(a.first_event_at), events: [] });
  // No account has events before its first one (accounts.first_event_at, moved back in the same transaction as a
  // late event): a younger account's history starts there, and the months before it are pruned from its reads (at
  // run time, per account) instead of each being searched through its index for nothing.
  const rows = await queryRows<Omit<EventRow, 'account'>>(
    tx,
    sql`with w as (select w.account_id, w.since, w.until, greatest(w.history_since, a.first_event_at) as history_since
                     from ${w} as w join accounts a on a.id = w.account_id)
        select e.event_id, 'login.' || e.outcome as type, ${occurredMs} as occurred_ms, e.account_id, host(e.ip) as ip, e.device_id, e.country,
               e.failure_reason as reason, null as otp_id, null as channel, null as purpose, null as field, null::boolean as enabled
          from w cross join lateral (${perAccount('login_events', sql`and (e.occurred_at >= w.since or e.outcome = 'succeeded')`)}) e
        union all
        select e.event_id, 'otp.' || e.kind, ${occurredMs}, e.account_id, host(e.ip), e.device_id, e.country,
               e.failure_reason, e.otp_id, e.channel, e.purpose, null, null
          from w cross join lateral (${perAccount('otp_events', sql`and (e.occurred_at >= w.since or e.kind = 'verified')`)}) e
        union all
        select e.event_id, 'account.' || e.type, ${occurredMs}, e.account_id, host(e.ip), e.device_id, e.country,
               null, null, null, null, e.field, e.two_factor_enabled
          from w cross join lateral (${perAccount('account_events', sql``)}) e`,
  );
  for (const r of rows) {
    const a = result.get(r.account_id);
    if (a) a.events.push(toEvent(r, a.account));
  }
  for (const a of result.values()) a.events.sort(byTime);
  return result;
}

export interface IpWindow {
  ip: string;
  since: Date;
  until: Date;
}

/**
 * Failed logins from each IP inside its window, with the platform ids of the accounts they targeted,
 * keyed by the IP as PostgreSQL writes it (one spelling for every IPv6 form).
 */
export async function loadIpFailures(tx: Tx, windows: IpWindow[]): Promise<Map<string, DetectionEvent[]>> {
  const result = new Map<string, DetectionEvent[]>();
  if (windows.length === 0) return result;
  const rows = await queryRows<EventRow & { subject: string }>(
    tx,
    sql`with w as (select * from ${jsonbRows(
      'ip inet, since timestamptz, until timestamptz',
      windows.map((x) => [x.ip, x.since.toISOString(), x.until.toISOString()]),
    )} as w)
        select host(w.ip) as subject, e.event_id, 'login.failed' as type, ${occurredMs} as occurred_ms, e.account_id, a.external_id as account, host(e.ip) as ip, e.device_id, e.country,
               e.failure_reason as reason, null as otp_id, null as channel, null as purpose, null as field, null::boolean as enabled
          from w cross join lateral (
            select * from login_events e where e.ip = w.ip and e.occurred_at >= w.since and e.occurred_at <= w.until and e.outcome = 'failed' offset 0
          ) e
          join accounts a on a.id = e.account_id`,
  );
  for (const r of rows) {
    const events = result.get(r.subject) ?? [];
    events.push(toEvent(r, r.account));
    result.set(r.subject, events);
  }
  for (const events of result.values()) events.sort(byTime);
  return result;
}

export interface CountryWindow {
  countryCode: string;
  since: Date;
  until: Date;
}

/**
 * Each country's SMS and voice codes by destination prefix and minute inside its window, from the minute rollup,
 * through its (country, minute) index: the windows are kept apart (offset 0) as in perAccount. As a plain join the
 * planner hashed the windows and scanned the whole table, which keeps minutes as long as the hourly rollups (90
 * days): 182,000 rows read for 488 on a probe's store, 41 ms against 1 ms, and growing with every day kept.
 */
export async function loadPrefixCounts(tx: Tx, windows: CountryWindow[]): Promise<Map<string, PrefixMinute[]>> {
  const result = new Map<string, PrefixMinute[]>();
  if (windows.length === 0) return result;
  const rows = await queryRows<{
    country_code: string;
    minute_ms: number;
    prefix: string;
    issued: number;
    verified: number;
  }>(
    tx,
    sql`with w as (select * from ${jsonbRows(
      'country_code text, since timestamptz, until timestamptz',
      windows.map((x) => [x.countryCode, x.since.toISOString(), x.until.toISOString()]),
    )} as w)
        select r.country_code, ${epochMs('r.minute')} as minute_ms, r.prefix,
               sum(r.count) filter (where r.kind = 'issued')::int as issued,
               sum(r.count) filter (where r.kind = 'verified')::int as verified
          from w cross join lateral (
                 select * from otp_prefix_rollup_minute r
                  where r.country_code = w.country_code and r.minute >= w.since and r.minute <= w.until offset 0) r
         group by r.country_code, r.minute, r.prefix`,
  );
  for (const r of rows) {
    const list = result.get(r.country_code) ?? [];
    list.push({ minute: Number(r.minute_ms), prefix: r.prefix, issued: r.issued ?? 0, verified: r.verified ?? 0 });
    result.set(r.country_code, list);
  }
  return result;
}

/** The most codes one prefix brings as evidence in one run (a wave at full speed is still one bounded read). */
const codesPerPrefix = 5000;

/**
 * The codes issued to numbers under each prefix inside its span, through the destination index (a range on
 * the prefix: destinations are `+` and digits, and `:` sorts right after `9`).
 */
export async function loadPrefixCodes(tx: Tx, spans: EvidenceSpan[]): Promise<DetectionEvent[]> {
  if (spans.length === 0) return [];
  const rows = await queryRows<EventRow & { destination: string }>(
    tx,
    sql`select e.event_id, 'otp.issued' as type, ${occurredMs} as occurred_ms, e.account_id, a.external_id as account, host(e.ip) as ip,
               e.device_id, e.country, null as reason, e.otp_id, e.channel, e.purpose, null as field, null::boolean as enabled, e.destination
          from ${jsonbRows(
            'prefix text, since timestamptz, until timestamptz',
            spans.map((x) => [x.prefix, new Date(x.from).toISOString(), new Date(x.to).toISOString()]),
          )} as p cross join lateral (
            select * from otp_events e
             where e.destination is not null and e.destination ~>=~ p.prefix and e.destination ~<~ (p.prefix || ':')
               and e.occurred_at >= p.since and e.occurred_at < p.until
               and e.kind = 'issued'
             order by e.occurred_at desc limit ${codesPerPrefix}
          ) e
          join accounts a on a.id = e.account_id`,
  );
  return rows.map((r) => ({ ...toEvent(r, r.account), destination: r.destination })).sort(byTime);
}
