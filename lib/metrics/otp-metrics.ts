import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '@/db/client';
import { otpChannels, otpPurposes } from '@/db/schema';
import { authorize, type ServiceContext } from '@/lib/context';
import { assembleSeries } from './assemble-series';
import { emptyOtpCounts, otpFigures, type OtpCounts, type OtpFigures } from './definitions';
import { bucketStarts, rollupTable, type OtpMetricsQuery } from './metrics-query';

export interface OtpSeries {
  key: string;
  buckets: (OtpFigures & { start: string })[];
}

export interface OtpMetrics {
  from: string;
  to: string;
  granularity: 'hour' | 'day';
  groupBy: OtpMetricsQuery['groupBy'];
  series: OtpSeries[];
  totals: OtpFigures;
}

const seriesKey: Record<OtpMetricsQuery['groupBy'], SQL> = {
  none: sql`'all'`,
  channel: sql`channel`,
  purpose: sql`purpose`,
  country: sql`case when country = '' then 'unknown' else country end`,
};

function addTo(c: OtpCounts, kind: string, reason: string, n: number) {
  if (kind === 'issued') c.issued += n;
  else if (kind === 'verified') c.verified += n;
  else if (kind === 'delivery_failed') c.deliveryFailed += n;
  else if (kind === 'failed') {
    c.failed += n;
    if (reason === 'incorrect' || reason === 'expired' || reason === 'max_attempts') c.failedByReason[reason] += n;
  }
}

/** The rollup query behind the OTP charts (also timed alone by bench:metrics). */
export function otpRollupSql(q: OtpMetricsQuery): SQL {
  const [table, column] = rollupTable('otp', q);
  const filters: SQL[] = [
    sql`${sql.raw(column)} >= ${q.from.toISOString()}::timestamptz`,
    sql`${sql.raw(column)} < ${q.to.toISOString()}::timestamptz`,
  ];
  if (q.channel) filters.push(sql`channel = ${q.channel}`);
  if (q.purpose) filters.push(sql`purpose = ${q.purpose}`);
  if (q.country) filters.push(sql`country = ${q.country === 'unknown' ? '' : q.country}`);
  return sql`select ${sql.raw(column)} as bucket, ${seriesKey[q.groupBy]} as key, kind, reason, sum(count)::bigint as n
    from ${sql.raw(table)} where ${sql.join(filters, sql` and `)} group by 1, 2, 3, 4`;
}

/** OTP issuance, conversion and failure per bucket and series, read from the hourly rollups only. */
export async function otpMetrics(ctx: ServiceContext, q: OtpMetricsQuery): Promise<OtpMetrics> {
  authorize(ctx, 'analytics.view');
  const rows = await queryRows<{
    bucket: string | Date;
    key: string;
    kind: string;
    reason: string;
    n: string | number;
  }>(ctx.db, otpRollupSql(q));
  const assembled = assembleSeries({
    rows,
    starts: bucketStarts(q.from, q.to, q.granularity),
    fixedKeys:
      q.groupBy === 'channel'
        ? otpChannels
        : q.groupBy === 'purpose'
          ? otpPurposes
          : q.groupBy === 'none'
            ? ['all']
            : [],
    sortFound: q.groupBy === 'country',
    empty: emptyOtpCounts,
    add: (c, r) => addTo(c, r.kind, r.reason, Number(r.n)),
    figures: otpFigures,
  });
  return {
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    granularity: q.granularity,
    groupBy: q.groupBy,
    ...assembled,
  };
}
