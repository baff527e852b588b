import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '@/db/client';
import { arrayOf, epochMs } from '@/db/sql-helpers';
import { maskPhone } from '@/lib/accounts/masking';
import { can } from '@/lib/auth/permissions';
import { authorize, type ServiceContext } from '@/lib/context';
import { loadDetectionSettings } from '@/lib/detection/settings';

export const prefixSorts = ['issued', 'verified', 'conversion', 'numbers', 'accounts'] as const;
export type PrefixSort = (typeof prefixSorts)[number];

export interface PrefixRow {
  prefix: string;
  countryCode: string;
  issued: number;
  verified: number;
  /** verified ÷ issued (0 when nothing was issued). */
  conversion: number;
  numbers: number;
  accounts: number;
  /** The distinct counts stopped at `distinctCap` codes (the prefix sent more in the range). */
  capped: boolean;
  /** Conversion under half the overall conversion of the range, on enough codes to mean something. */
  farBelow: boolean;
}

export interface PrefixTable {
  /** National digits after the calling code: the SMS-pumping rule's setting, so the table groups as the rule does. */
  digits: number;
  overallConversion: number;
  rows: PrefixRow[];
}

/** Prefixes shown: the busiest by codes issued, then sorted as asked. */
const shown = 50;
/** Distinct numbers and accounts are counted over at most this many of a prefix's latest codes in the range. */
export const distinctCap = 20_000;
/** A prefix with fewer codes is never flagged: a handful of unused codes says nothing. */
const minFlagged = 20;

/**
 * SMS and voice codes by destination prefix for a range, from the hourly prefix rollup: issued,
 * verified, conversion; distinct numbers and accounts from the codes themselves (through the destination
 * index, capped) for the 50 busiest prefixes only.
 */
export async function codesByPrefix(
  ctx: ServiceContext,
  range: { from: string; to: string },
  sort: PrefixSort = 'issued',
): Promise<PrefixTable> {
  authorize(ctx, 'analytics.view');
  const digits = (await loadDetectionSettings(ctx.db)).sms_pumping.prefixDigits;
  const totals = await queryRows<{ prefix: string; country_code: string; issued: number; verified: number }>(
    ctx.db,
    sql`select left(prefix, 1 + length(country_code) + ${digits}) as prefix, country_code,
               coalesce(sum(count) filter (where kind = 'issued'), 0)::int as issued,
               coalesce(sum(count) filter (where kind = 'verified'), 0)::int as verified
          from otp_prefix_rollup_hourly
         where hour >= ${range.from}::timestamptz and hour < ${range.to}::timestamptz
         group by 1, 2`,
  );
  const all = totals.reduce((t, r) => ({ issued: t.issued + r.issued, verified: t.verified + r.verified }), {
    issued: 0,
    verified: 0,
  });
  const overallConversion = all.issued === 0 ? 0 : all.verified / all.issued;
  const busiest = totals.sort((a, b) => b.issued - a.issued || a.prefix.localeCompare(b.prefix)).slice(0, shown);
  const distinct = await distinctCounts(
    ctx,
    busiest.map((r) => r.prefix),
    range,
  );
  const rows = busiest.map((r): PrefixRow => {
    const d = distinct.get(r.prefix);
    const conversion = r.issued === 0 ? 0 : Math.min(1, r.verified / r.issued);
    return {
      prefix: r.prefix,
      countryCode: r.country_code,
      issued: r.issued,
      verified: r.verified,
      conversion,
      numbers: d?.numbers ?? 0,
      accounts: d?.accounts ?? 0,
      capped: (d?.codes ?? 0) >= distinctCap,
      farBelow: r.issued >= minFlagged && conversion < overallConversion / 2,
    };
  });
  const key: Record<PrefixSort, (r: PrefixRow) => number> = {
    issued: (r) => -r.issued,
    verified: (r) => -r.verified,
    conversion: (r) => r.conversion,
    numbers: (r) => -r.numbers,
    accounts: (r) => -r.accounts,
  };
  rows.sort((a, b) => key[sort](a) - key[sort](b) || b.issued - a.issued);
  return { digits, overallConversion, rows };
}

async function distinctCounts(ctx: ServiceContext, prefixes: string[], range: { from: string; to: string }) {
  if (prefixes.length === 0) return new Map<string, { codes: number; numbers: number; accounts: number }>();
  const rows = await queryRows<{ prefix: string; codes: number; numbers: number; accounts: number }>(
    ctx.db,
    sql`select p.prefix, count(*)::int as codes, count(distinct c.destination)::int as numbers, count(distinct c.account_id)::int as accounts
          from unnest(${arrayOf(prefixes)}) as p(prefix)
          cross join lateral (${codesUnder(sql`p.prefix`, range, distinctCap)}) c
         group by p.prefix`,
  );
  return new Map(rows.map((r) => [r.prefix, r]));
}

/** The codes issued to numbers under a prefix in the range, newest first, through the destination index. */
const codesUnder = (prefix: SQL, range: { from: string; to: string }, limit: number) =>
  sql`select e.* from otp_events e
       where e.destination is not null and e.destination ~>=~ ${prefix} and e.destination ~<~ (${prefix} || ':')
         and e.occurred_at >= ${range.from}::timestamptz and e.occurred_at < ${range.to}::timestamptz and e.kind = 'issued'
       order by e.occurred_at desc limit ${limit}`;

export interface PrefixCode {
  eventId: string;
  occurredAt: Date;
  accountId: string;
  account: string;
  number: string | null;
  channel: string;
  purpose: string;
  country: string | null;
  ip: string | null;
  /** Whether the code was verified (any time later). */
  verified: boolean;
}

/** The drill-down: the latest codes issued under one prefix in the range (numbers masked for roles without contacts). */
export async function codesOfPrefix(
  ctx: ServiceContext,
  prefix: string,
  range: { from: string; to: string },
  limit = 200,
): Promise<PrefixCode[]> {
  authorize(ctx, 'analytics.view');
  const rows = await queryRows<{
    event_id: string;
    occurred_ms: number;
    account_id: string;
    external_id: string;
    destination: string | null;
    channel: string;
    purpose: string;
    country: string | null;
    ip: string | null;
    verified: boolean;
  }>(
    ctx.db,
    sql`select c.event_id, ${epochMs('c.occurred_at')} as occurred_ms, c.account_id, a.external_id, c.destination, c.channel, c.purpose,
               c.country, host(c.ip) as ip,
               exists (select 1 from otp_events v where v.account_id = c.account_id and v.otp_id = c.otp_id and v.kind = 'verified') as verified
          from (${codesUnder(sql`${prefix}::text`, range, limit)}) c join accounts a on a.id = c.account_id
         order by c.occurred_at desc`,
  );
  const showContacts = can(ctx.actor, 'accounts.viewContacts');
  return rows.map((r) => ({
    eventId: r.event_id,
    occurredAt: new Date(Number(r.occurred_ms)),
    accountId: r.account_id,
    account: r.external_id,
    number: showContacts ? r.destination : maskPhone(r.destination),
    channel: r.channel,
    purpose: r.purpose,
    country: r.country,
    ip: r.ip,
    verified: r.verified,
  }));
}
