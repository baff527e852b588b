import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { setupTestDatabase } from '@/db/testing/test-database';
import { serviceContext } from '@/lib/context';
import { codeDeliveryTimes, figuresOf } from '@/lib/metrics/code-delivery';
import { systemActor, uniqueSuffix } from '@/lib/testing/fixtures';
import { bucketOf } from './code-latency';
import type { IngestEvent } from './event-schema';
import { ingestBatch } from './ingest-batch';
import { detectionIdle } from '@/lib/detection/queue';

const { db } = setupTestDatabase();
// An hour of its own, so no other test's codes are counted in it.
const hour = Date.parse('2021-05-06T10:00:00Z');
const range = { from: '2021-05-06T10:00:00.000Z', to: '2021-05-06T11:00:00.000Z' };

let n = 0;
function code(account: string, otpId: string, type: 'otp.issued' | 'otp.delivered' | 'otp.verified', at: number) {
  return {
    id: `evt_${uniqueSuffix()}_${(n += 1)}`,
    type,
    occurredAt: new Date(at).toISOString(),
    account: { id: account },
    otpId,
    channel: 'sms',
    purpose: 'login',
    context: { country: 'GB' },
  } as IngestEvent;
}

const buckets = (measure: string) =>
  queryRows<{ bucket: string; n: number }>(
    db(),
    sql`select bucket, sum(count)::int as n from otp_latency_hourly where hour = ${range.from}::timestamptz and measure = ${measure} group by 1 order by 1`,
  );

describe('code delivery and use times', () => {
  it('pairs a code’s events in any order across batches and counts each time once', async () => {
    const account = `cus_lat_${uniqueSuffix()}`;
    const t = hour + 5 * 60_000;
    // Delivered arrives first, then the issue, then the use, then a second delivery receipt (a provider retry).
    await ingestBatch(db(), [code(account, 'otp_a', 'otp.delivered', t + 12_000)]);
    expect(await buckets('delivered')).toEqual([]);
    await ingestBatch(db(), [code(account, 'otp_a', 'otp.issued', t)]);
    expect(await buckets('delivered')).toEqual([{ bucket: '30', n: 1 }]);
    await ingestBatch(db(), [code(account, 'otp_a', 'otp.verified', t + 95_000)]);
    await ingestBatch(db(), [code(account, 'otp_a', 'otp.delivered', t + 50_000)]);
    expect(await buckets('delivered')).toEqual([{ bucket: '30', n: 1 }]);
    expect(await buckets('verified')).toEqual([{ bucket: '120', n: 1 }]);

    // More codes in one batch: 3 s, 8 s and 70 s to arrive.
    await ingestBatch(
      db(),
      [3_000, 8_000, 70_000].flatMap((ms, i) => [
        code(account, `otp_b${i}`, 'otp.issued', t + i * 1000),
        code(account, `otp_b${i}`, 'otp.delivered', t + i * 1000 + ms),
      ]),
    );
    const [row] = await codeDeliveryTimes(serviceContext(db(), systemActor), range);
    expect(row).toMatchObject({
      channel: 'sms',
      purpose: 'login',
      delivered: { codes: 4, p50: '≤ 10 s', p90: '≤ 120 s', over30s: 0.25 },
      verified: { codes: 1, p50: '≤ 120 s', p90: '≤ 120 s', over30s: 1 },
    });
    expect(await codeDeliveryTimes(serviceContext(db(), systemActor), range, 'DE')).toEqual([]);
    await detectionIdle();
  });

  it('counts a batch’s code times in the shard of its other counters, so batches in flight never meet on a row', async () => {
    // Its own hour: the shard of each batch's rows is told apart there.
    const at = Date.parse('2021-05-07T10:00:00Z');
    const shards: { counters: number[]; latency: number[] }[] = [];
    for (let i = 0; i < 4; i++) {
      const account = `cus_lat_shard_${uniqueSuffix()}`;
      // Issued and delivered in one batch: the pair completes inside it.
      await ingestBatch(db(), [
        code(account, `otp_s${i}`, 'otp.issued', at + i * 60_000),
        code(account, `otp_s${i}`, 'otp.delivered', at + i * 60_000 + 4_000),
      ]);
      const [row] = await queryRows<{ counters: number[]; latency: number[] }>(
        db(),
        sql`select (select array_agg(distinct shard)::int[] from otp_rollup_hourly where hour = '2021-05-07T10:00:00Z' and country = 'GB'
                      and shard not in (select unnest(${`{${shards.flatMap((s) => s.counters).join(',')}}`}::int[]))) as counters,
                   (select array_agg(distinct shard)::int[] from otp_latency_hourly where hour = '2021-05-07T10:00:00Z'
                      and shard not in (select unnest(${`{${shards.flatMap((s) => s.latency).join(',')}}`}::int[]))) as latency`,
      );
      shards.push(row!);
    }
    // Each batch added rows in exactly one new shard, the same for its counters and its code times.
    for (const s of shards) {
      expect(s.counters).toHaveLength(1);
      expect(s.latency).toEqual(s.counters);
    }
    await detectionIdle();
  });

  it('buckets and percentiles: a percentile is the bound of its bucket', () => {
    expect([0, 5, 5.1, 10, 30, 31, 120, 121, -3].map(bucketOf)).toEqual([
      '5',
      '5',
      '10',
      '10',
      '30',
      '60',
      '120',
      'more',
      '5',
    ]);
    expect(figuresOf({ '5': 5, '10': 4, more: 1 })).toEqual({ codes: 10, p50: '≤ 5 s', p90: '≤ 10 s', over30s: 0.1 });
    expect(figuresOf({})).toEqual({ codes: 0, p50: null, p90: null, over30s: null });
  });
});
