import { PgDialect } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { rollupShards } from '@/db/schema';
import type { IngestEvent } from './event-schema';
import { rollupUpserts } from './rollups';

const dialect = new PgDialect();
const event: IngestEvent = {
  id: 'evt_1',
  type: 'login.failed',
  occurredAt: '2026-11-20T09:15:00.000Z',
  account: { id: 'cus_1' },
  reason: 'bad_password',
};

/** The shard a batch's upserts write to (the one number parameter every upsert binds). */
function shardOf(events: IngestEvent[]): number {
  const shards = new Set(
    rollupUpserts(events).flatMap((part) => dialect.sqlToQuery(part).params.filter((p) => typeof p === 'number')),
  );
  expect(shards.size).toBe(1);
  return [...shards][0] as number;
}

describe('rollup shards', () => {
  it('consecutive batches of one process take every shard in turn, so batches in flight never share one', () => {
    const shards = Array.from({ length: rollupShards }, () => shardOf([event]));
    expect(new Set(shards).size).toBe(rollupShards);
    expect(shards.every((s) => Number.isInteger(s) && s >= 0 && s < rollupShards)).toBe(true);
  });
});
