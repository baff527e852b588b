import { sql, type SQL } from 'drizzle-orm';
import { queryRows } from '@/db/client';
import { authorize, type ServiceContext } from '@/lib/context';
import { assembleSeries } from './assemble-series';
import {
  emptyLoginCounts,
  loginFailureReasons,
  loginFigures,
  type LoginCounts,
  type LoginFigures,
} from './definitions';
import { bucketStarts, rollupTable, type LoginMetricsQuery } from './metrics-query';

export interface LoginMetrics {
  from: string;
  to: string;
  granularity: 'hour' | 'day';
  groupBy: LoginMetricsQuery['groupBy'];
  series: { key: string; buckets: (LoginFigures & { start: string })[] }[];
  totals: LoginFigures;
}

// groupBy=reason: one series per failure reason, and "none" for the logins that succeeded.
const seriesKey: Record<LoginMetricsQuery['groupBy'], SQL> = {
  none: sql`'all'`,
  reason: sql`case when reason = '' then 'none' else reason end`,
  country: sql`case when country = '' then 'unknown' else country end`,
};

function addTo(c: LoginCounts, outcome: string, reason: string, n: number) {
  if (outcome === 'succeeded') c.succeeded += n;
  else {
    c.failed += n;
    const r = (loginFailureReasons as readonly string[]).includes(reason)
      ? (reason as keyof LoginCounts['failedByReason'])
      : 'other';
    c.failedByReason[r] += n;
  }
}

export function loginRollupSql(q: LoginMetricsQuery): SQL {
  const [table, column] = rollupTable('login', q);
  const filters: SQL[] = [
    sql`${sql.raw(column)} >= ${q.from.toISOString()}::timestamptz`,
    sql`${sql.raw(column)} < ${q.to.toISOString()}::timestamptz`,
  ];
  if (q.country) filters.push(sql`country = ${q.country === 'unknown' ? '' : q.country}`);
  return sql`select ${sql.raw(column)} as bucket, ${seriesKey[q.groupBy]} as key, outcome, reason, sum(count)::bigint as n
    from ${sql.raw(table)} where ${sql.join(filters, sql` and `)} group by 1, 2, 3, 4`;
}

/** Login outcomes and failure reasons per bucket and series, read from the hourly rollups only. */
export async function loginMetrics(ctx: ServiceContext, q: LoginMetricsQuery): Promise<LoginMetrics> {
  authorize(ctx, 'analytics.view');
  const rows = await queryRows<{
    bucket: string | Date;
    key: string;
    outcome: string;
    reason: string;
    n: string | number;
  }>(ctx.db, loginRollupSql(q));
  const assembled = assembleSeries({
    rows,
    starts: bucketStarts(q.from, q.to, q.granularity),
    fixedKeys: q.groupBy === 'reason' ? ['none', ...loginFailureReasons] : q.groupBy === 'none' ? ['all'] : [],
    sortFound: q.groupBy === 'country',
    empty: emptyLoginCounts,
    add: (c, r) => addTo(c, r.outcome, r.reason, Number(r.n)),
    figures: loginFigures,
  });
  return {
    from: q.from.toISOString(),
    to: q.to.toISOString(),
    granularity: q.granularity,
    groupBy: q.groupBy,
    ...assembled,
  };
}
