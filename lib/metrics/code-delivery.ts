import { sql } from 'drizzle-orm';
import { queryRows } from '@/db/client';
import { latencyBuckets } from '@/db/schema';
import { authorize, type ServiceContext } from '@/lib/context';

type Bucket = (typeof latencyBuckets)[number];

export interface LatencyFigures {
  /** Codes whose two ends are known. */
  codes: number;
  /** The bound of the bucket holding the median / the 90th percentile: `≤ 10 s`, or `> 120 s`. */
  p50: string | null;
  p90: string | null;
  /** The share of codes over 30 s. */
  over30s: number | null;
}

export interface DeliveryRow {
  channel: string;
  purpose: string;
  delivered: LatencyFigures;
  verified: LatencyFigures;
}

const label = (b: Bucket) => (b === 'more' ? '> 120 s' : `≤ ${b} s`);

/** Percentiles from bucket counts: each is the upper bound of the bucket it falls in (said so where shown). */
export function figuresOf(counts: Partial<Record<Bucket, number>>): LatencyFigures {
  const codes = latencyBuckets.reduce((n, b) => n + (counts[b] ?? 0), 0);
  if (codes === 0) return { codes, p50: null, p90: null, over30s: null };
  const at = (p: number) => {
    let seen = 0;
    for (const b of latencyBuckets) {
      seen += counts[b] ?? 0;
      if (seen >= p * codes) return label(b);
    }
    return label('more');
  };
  const over = (counts['60'] ?? 0) + (counts['120'] ?? 0) + (counts.more ?? 0);
  return { codes, p50: at(0.5), p90: at(0.9), over30s: over / codes };
}

/**
 * Time from issue to delivery and from issue to use, per channel and purpose, for codes issued in the range
 * (optionally one country), from the hourly latency buckets the ingest pipeline keeps.
 */
export async function codeDeliveryTimes(
  ctx: ServiceContext,
  range: { from: string; to: string },
  country?: string,
): Promise<DeliveryRow[]> {
  authorize(ctx, 'analytics.view');
  const rows = await queryRows<{ channel: string; purpose: string; measure: string; bucket: Bucket; n: number }>(
    ctx.db,
    sql`select channel, purpose, measure, bucket, sum(count)::int as n from otp_latency_hourly
         where hour >= ${range.from}::timestamptz and hour < ${range.to}::timestamptz
           ${country ? sql`and country = ${country === 'unknown' ? '' : country}` : sql``}
         group by 1, 2, 3, 4`,
  );
  const byKey = new Map<
    string,
    {
      channel: string;
      purpose: string;
      delivered: Partial<Record<Bucket, number>>;
      verified: Partial<Record<Bucket, number>>;
    }
  >();
  for (const r of rows) {
    const key = `${r.channel}|${r.purpose}`;
    const entry = byKey.get(key) ?? { channel: r.channel, purpose: r.purpose, delivered: {}, verified: {} };
    byKey.set(key, entry);
    const side = r.measure === 'delivered' ? entry.delivered : entry.verified;
    side[r.bucket] = (side[r.bucket] ?? 0) + r.n;
  }
  return [...byKey.values()]
    .map((e) => ({
      channel: e.channel,
      purpose: e.purpose,
      delivered: figuresOf(e.delivered),
      verified: figuresOf(e.verified),
    }))
    .sort((a, b) => b.delivered.codes + b.verified.codes - (a.delivered.codes + a.verified.codes));
}
