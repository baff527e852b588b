import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';

/*
 * Rollup compaction. Each rollup key is split over `rollupShards` rows (db/schema/rollups.ts) only so concurrent
 * batches counting the current hour or day do not queue on one hot row. Once a period is closed that split is dead
 * weight: a 90-day chart summed ~57,000 all-country daily rows, 8 per key. Compaction merges a closed period's shard
 * rows into shard 0, in one statement per period and table (delete the other shards' rows, add their counts to shard
 * 0), so it is exact under concurrent ingest: a late event for that period that lands meanwhile waits for the
 * statement's row locks and then writes a new shard row, which the next pass merges. Counts never change, only how
 * many rows hold them (tested against a recount from raw events).
 */

interface RollupTable {
  table: string;
  column: 'hour' | 'day';
  keys: string[];
}

const otpKeys = ['channel', 'purpose', 'kind', 'reason'];
const loginKeys = ['outcome', 'reason'];
export const compactedTables: RollupTable[] = [
  { table: 'otp_rollup_hourly', column: 'hour', keys: [...otpKeys, 'country'] },
  { table: 'login_rollup_hourly', column: 'hour', keys: [...loginKeys, 'country'] },
  { table: 'otp_rollup_daily', column: 'day', keys: [...otpKeys, 'country'] },
  { table: 'login_rollup_daily', column: 'day', keys: [...loginKeys, 'country'] },
  { table: 'otp_rollup_daily_all', column: 'day', keys: otpKeys },
  { table: 'login_rollup_daily_all', column: 'day', keys: loginKeys },
  { table: 'otp_prefix_rollup_hourly', column: 'hour', keys: ['country_code', 'prefix', 'kind'] },
  { table: 'otp_latency_hourly', column: 'hour', keys: ['channel', 'purpose', 'country', 'measure', 'bucket'] },
];

/** A period is closed this long after it ended (late events still come, and are merged by a later pass). */
const graceMs = { hour: 2 * 3_600_000, day: 26 * 3_600_000 } as const;
const periodMs = { hour: 3_600_000, day: 86_400_000 } as const;

/**
 * Merges one closed period of one table; returns the rows it removed. Its rows are locked in key order, as a batch's
 * rollup upsert locks them (lib/ingest/rollups.ts), then shard 0's in the same order: a late batch for the period
 * waits for the merge or the merge for it, and the two cannot deadlock (a plain DELETE locked them in heap order).
 */
async function compactPeriod(db: Db, t: RollupTable, bucket: string): Promise<number> {
  const keys = t.keys.join(', ');
  const [row] = await queryRows<{ n: string | number }>(
    db,
    sql.raw(`with locked as (
        select ctid from ${t.table} where ${t.column} = '${bucket}' and shard <> 0 order by ${keys}, shard for update),
      gone as (
        delete from ${t.table} where ctid = any(array(select ctid from locked))
        returning ${t.column}, ${keys}, count),
      merged as (
        insert into ${t.table} (${t.column}, ${keys}, shard, count)
        select ${t.column}, ${keys}, 0, sum(count) from gone group by ${t.column}, ${keys}
        order by ${t.column}, ${keys}
        on conflict (${t.column}, ${keys}, shard) do update set count = ${t.table}.count + excluded.count
        returning (xmax = 0) as inserted)
      select (select count(*) from gone) - (select count(*) from merged where inserted) as n`),
  );
  return Number(row?.n ?? 0);
}

export interface CompactionPass {
  periods: number;
  rowsRemoved: number;
}

/**
 * One pass: every closed period (of each table) that still has rows outside shard 0, oldest first, at most
 * `maxPeriods` per table (the lifecycle loop comes back).
 */
export async function compactRollups(db: Db, now = new Date(), maxPeriods = 500): Promise<CompactionPass> {
  const pass: CompactionPass = { periods: 0, rowsRemoved: 0 };
  for (const t of compactedTables) {
    const closedBefore = new Date(
      Math.floor((now.getTime() - graceMs[t.column]) / periodMs[t.column]) * periodMs[t.column],
    ).toISOString();
    const periods = await queryRows<{ bucket: string }>(
      db,
      sql.raw(`select distinct ${t.column}::text as bucket from ${t.table}
               where ${t.column} < '${closedBefore}' and shard <> 0 order by 1 limit ${maxPeriods}`),
    );
    for (const { bucket } of periods) {
      pass.rowsRemoved += await compactPeriod(db, t, bucket);
      pass.periods += 1;
    }
  }
  return pass;
}
