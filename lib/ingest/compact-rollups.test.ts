import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { setupTestDatabase } from '@/db/testing/test-database';
import { serviceContext } from '@/lib/context';
import { detectionIdle } from '@/lib/detection/queue';
import { OtpMetricsQuery, parseMetricsQuery } from '@/lib/metrics/metrics-query';
import { otpMetrics } from '@/lib/metrics/otp-metrics';
import { systemActor, uniqueSuffix } from '@/lib/testing/fixtures';
import { compactedTables, compactRollups } from './compact-rollups';
import type { IngestEvent } from './event-schema';
import { ingestBatch } from './ingest-batch';

const { db } = setupTestDatabase();
// Days of their own (no other test stores events then).
const day = Date.parse('2022-03-03T00:00:00Z');

let n = 0;
function code(at: number, kind: 'otp.issued' | 'otp.verified' | 'otp.failed', country: string): IngestEvent {
  n += 1;
  return {
    id: `cmp_${uniqueSuffix()}_${n}`,
    type: kind,
    ...(kind === 'otp.failed' ? { reason: 'incorrect' } : {}),
    occurredAt: new Date(at).toISOString(),
    account: { id: `cus_cmp_${n % 7}` },
    otpId: `o_${n}`,
    channel: n % 3 === 0 ? 'email' : 'sms',
    purpose: n % 2 === 0 ? 'login' : 'transaction',
    context: { country },
  } as IngestEvent;
}

/** Twelve batches (each takes the next shard) across three hours of the day and three countries. */
function batches(dayStart: number, count = 12) {
  return Array.from({ length: count }, (_, b) =>
    Array.from({ length: 30 }, (_, i) =>
      code(
        dayStart + ((b % 3) + 9) * 3_600_000 + i * 1000,
        (['otp.issued', 'otp.verified', 'otp.failed'] as const)[i % 3]!,
        ['GB', 'NG', 'DE'][i % 3]!,
      ),
    ),
  );
}

const recount = (from: number) =>
  queryRows<{ key: string; n: number }>(
    db(),
    sql`select concat_ws('|', channel, purpose, kind, coalesce(failure_reason, '')) as key, count(*)::int as n from otp_events
        where occurred_at >= ${new Date(from).toISOString()}::timestamptz and occurred_at < ${new Date(from + 86_400_000).toISOString()}::timestamptz
        group by 1 order by 1`,
  );
const rolled = (from: number) =>
  queryRows<{ key: string; n: number; rows: number }>(
    db(),
    sql`select concat_ws('|', channel, purpose, kind, reason) as key, sum(count)::int as n, count(*)::int as rows from otp_rollup_daily_all
        where day = ${new Date(from).toISOString()}::timestamptz group by 1 order by 1`,
  );

describe('rollup compaction', () => {
  it('merges a closed day’s shard rows into one row per key, exactly: the same counts as a recount and the same chart', async () => {
    for (const b of batches(day)) await ingestBatch(db(), b);
    await detectionIdle();
    const before = await rolled(day);
    expect(before.some((r) => r.rows > 1)).toBe(true);
    const chart = () =>
      otpMetrics(
        serviceContext(db(), systemActor),
        parseMetricsQuery(
          OtpMetricsQuery,
          new URLSearchParams({
            from: '2022-03-03T00:00:00Z',
            to: '2022-03-04T00:00:00Z',
            granularity: 'hour',
            groupBy: 'country',
          }),
        ),
      );
    const chartBefore = await chart();

    const pass = await compactRollups(db(), new Date('2022-03-06T00:00:00Z'));
    expect(pass.rowsRemoved).toBeGreaterThan(0);
    const after = await rolled(day);
    expect(after.every((r) => r.rows === 1)).toBe(true);
    expect(after.map(({ key, n: c }) => ({ key, n: c }))).toEqual(await recount(day));
    expect(await chart()).toEqual(chartBefore);
    // Every compacted table: nothing outside shard 0 is left for closed periods.
    for (const t of compactedTables) {
      const [left] = await queryRows<{ n: number }>(
        db(),
        sql.raw(`select count(*)::int as n from ${t.table} where shard <> 0 and ${t.column} < '2022-03-05'`),
      );
      expect(left!.n, t.table).toBe(0);
    }
    // A second pass finds nothing to do.
    expect((await compactRollups(db(), new Date('2022-03-06T00:00:00Z'))).periods).toBe(0);
  });

  it('stays exact while late events for the same day are stored concurrently', async () => {
    const other = Date.parse('2022-04-04T00:00:00Z');
    for (const b of batches(other, 6)) await ingestBatch(db(), b);
    await detectionIdle();
    // Late events keep coming for that day while passes merge it.
    const late = batches(other, 10);
    await Promise.all([
      (async () => {
        for (const b of late) await ingestBatch(db(), b);
      })(),
      (async () => {
        for (let i = 0; i < 6; i++) await compactRollups(db(), new Date('2022-04-07T00:00:00Z'));
      })(),
    ]);
    await detectionIdle();
    await compactRollups(db(), new Date('2022-04-07T00:00:00Z'));
    const after = await rolled(other);
    expect(after.map(({ key, n: c }) => ({ key, n: c }))).toEqual(await recount(other));
    expect(after.every((r) => r.rows === 1)).toBe(true);
  });
});
