import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Tx } from '@/db/client';
import type { latencyBuckets } from '@/db/schema';
import { epochMs, jsonbRows } from '@/db/sql-helpers';
import type { IngestEvent } from './event-schema';
import { nextShard } from './rollups';

/*
 * Where codes are slow: the events of one code arrive in any order, so each code has a small row
 * (otp_codes) that keeps the first time of each of its ends. When a code's issue and delivery (or use) are
 * both known, the time between them is counted once in the hourly latency buckets (otp_latency_hourly),
 * by the hour the code was issued. Charts read the buckets, never the raw events.
 */

type Bucket = (typeof latencyBuckets)[number];
const bounds: [number, Bucket][] = [
  [5, '5'],
  [10, '10'],
  [30, '30'],
  [60, '60'],
  [120, '120'],
];

/** The bucket of a latency in seconds: the first bound it does not exceed (a clock skew below 0 counts as ≤ 5 s). */
export const bucketOf = (seconds: number): Bucket => bounds.find(([bound]) => seconds <= bound)?.[1] ?? 'more';

/** The same bucket computed in SQL, from an expression in seconds (the bulk path counts its codes set-based). */
export const latencyBucketSql = (seconds: string) =>
  `case ${bounds.map(([bound, bucket]) => `when ${seconds} <= ${bound} then '${bucket}'`).join(' ')} else 'more' end`;

interface CodeFacts {
  account_id: string;
  otp_id: string;
  channel: string;
  purpose: string;
  country: string;
  issued_at: string | null;
  delivered_at: string | null;
  verified_at: string | null;
}

const earliest = (a: string | null, b: string) => (a === null || Date.parse(b) < Date.parse(a) ? b : a);

/** The batch's codes, one entry per (account, code) with the first time of each end the batch brings. */
function codesOf(events: IngestEvent[], accountIds: Map<string, string>): CodeFacts[] {
  const byKey = new Map<string, CodeFacts>();
  for (const e of events) {
    if (e.type !== 'otp.issued' && e.type !== 'otp.delivered' && e.type !== 'otp.verified') continue;
    const accountId = accountIds.get(e.account.id)!;
    const key = `${accountId}|${e.otpId}`;
    const c = byKey.get(key) ?? {
      account_id: accountId,
      otp_id: e.otpId,
      channel: e.channel,
      purpose: e.purpose,
      country: '',
      issued_at: null,
      delivered_at: null,
      verified_at: null,
    };
    byKey.set(key, c);
    if (e.type === 'otp.issued') {
      const first = c.issued_at === null || Date.parse(e.occurredAt) < Date.parse(c.issued_at);
      c.issued_at = earliest(c.issued_at, e.occurredAt);
      if (first) c.country = e.context?.country ?? '';
    } else if (e.type === 'otp.delivered') c.delivered_at = earliest(c.delivered_at, e.occurredAt);
    else c.verified_at = earliest(c.verified_at, e.occurredAt);
  }
  // Key order: concurrent batches lock code rows in one order.
  return [...byKey.values()].sort((a, b) =>
    a.account_id !== b.account_id ? (a.account_id < b.account_id ? -1 : 1) : a.otp_id < b.otp_id ? -1 : 1,
  );
}

interface Stored {
  account_id: string;
  otp_id: string;
  channel: string;
  purpose: string;
  country: string;
  issued_ms: number | null;
  delivered_ms: number | null;
  verified_ms: number | null;
  delivery_counted: boolean;
  verify_counted: boolean;
}

/**
 * Pairs the batch's code events with what is stored: one statement that upserts the batch's code rows (and so locks
 * them until commit), inside the ingest transaction, right before the rows batches share. It returns the writes that
 * count each newly complete delivery and use in the latency buckets (and flag the codes counted), for the caller to
 * run in its last statement with those shared rows: a code's row is then held for that one statement and the commit,
 * which is what the next batch with the same code's other events waits for. None for a batch without codes, or when
 * nothing completes.
 */
export async function pairCodes(
  tx: Tx,
  events: IngestEvent[],
  accountIds: Map<string, string>,
  shard: number = nextShard(),
): Promise<SQL[]> {
  const codes = codesOf(events, accountIds);
  if (codes.length === 0) return [];
  const stored = await queryRows<Stored>(
    tx,
    sql`insert into otp_codes as c (account_id, otp_id, channel, purpose, country, issued_at, delivered_at, verified_at)
        select account_id, otp_id, channel, purpose, country, issued_at, delivered_at, verified_at
          from ${jsonbRows(
            'account_id uuid, otp_id text, channel text, purpose text, country text, issued_at timestamptz, delivered_at timestamptz, verified_at timestamptz',
            codes.map((c) => [
              c.account_id,
              c.otp_id,
              c.channel,
              c.purpose,
              c.country,
              c.issued_at,
              c.delivered_at,
              c.verified_at,
            ]),
          )} as t
        on conflict (account_id, otp_id) do update set
          country = case when excluded.issued_at is not null and (c.issued_at is null or excluded.issued_at < c.issued_at)
                         then excluded.country else c.country end,
          issued_at = least(c.issued_at, excluded.issued_at),
          delivered_at = least(c.delivered_at, excluded.delivered_at),
          verified_at = least(c.verified_at, excluded.verified_at)
        returning account_id, otp_id, channel, purpose, country, ${epochMs('issued_at')} as issued_ms,
          ${epochMs('delivered_at')} as delivered_ms, ${epochMs('verified_at')} as verified_ms, delivery_counted, verify_counted`,
  );
  const flags: unknown[][] = [];
  const counts = new Map<string, unknown[]>();
  const count = (c: Stored, measure: 'delivered' | 'verified', endMs: number) => {
    const issued = c.issued_ms!;
    const hour = new Date(issued - (issued % 3_600_000)).toISOString();
    const bucket = bucketOf((endMs - issued) / 1000);
    const key = [hour, c.channel, c.purpose, c.country, measure, bucket].join('|');
    const row = counts.get(key);
    if (row) row[6] = (row[6] as number) + 1;
    else counts.set(key, [hour, c.channel, c.purpose, c.country, measure, bucket, 1]);
  };
  for (const c of stored) {
    if (c.issued_ms === null) continue;
    const delivered = !c.delivery_counted && c.delivered_ms !== null;
    const verified = !c.verify_counted && c.verified_ms !== null;
    if (!delivered && !verified) continue;
    if (delivered) count(c, 'delivered', c.delivered_ms!);
    if (verified) count(c, 'verified', c.verified_ms!);
    flags.push([c.account_id, c.otp_id, delivered, verified]);
  }
  if (flags.length === 0) return [];
  const latency = [...counts.values()].sort((a, b) => (a.slice(0, 6).join('|') < b.slice(0, 6).join('|') ? -1 : 1));
  return [
    sql`update otp_codes c set delivery_counted = c.delivery_counted or t.d, verify_counted = c.verify_counted or t.v
          from ${jsonbRows('account_id uuid, otp_id text, d boolean, v boolean', flags)} as t
         where c.account_id = t.account_id and c.otp_id = t.otp_id`,
    sql`insert into otp_latency_hourly (hour, channel, purpose, country, measure, bucket, shard, count)
        select hour, channel, purpose, country, measure, bucket, ${shard}, count
          from ${jsonbRows('hour timestamptz, channel text, purpose text, country text, measure text, bucket text, count bigint', latency)} as t
         order by hour, channel, purpose, country, measure, bucket
        on conflict (hour, channel, purpose, country, measure, bucket, shard)
        do update set count = otp_latency_hourly.count + excluded.count`,
  ];
}
