import { sql, type SQL } from 'drizzle-orm';
import { rollupShards } from '@/db/schema';
import { jsonbRows } from '@/db/sql-helpers';
import type { IngestEvent } from './event-schema';
import type { PhonePrefix } from './phone-prefix';

/** Where a batch's SMS and voice codes went, by event id: the number, and its prefix when its calling code is known. */
export type Destinations = Map<string, { number: string; at: PhonePrefix | null }>;

const minuteMs = 60_000;
const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

const otpKind = {
  'otp.issued': 'issued',
  'otp.verified': 'verified',
  'otp.failed': 'failed',
  'otp.delivery_failed': 'delivery_failed',
  'otp.delivered': 'delivered',
} as const;

interface Level {
  table: string;
  column: 'minute' | 'hour' | 'day';
  /** The bucket's width in milliseconds. */
  width: number;
  /** The all-countries rollup leaves the country out of its key. */
  byCountry: boolean;
}

const levels: Level[] = [
  { table: 'hourly', column: 'hour', width: hourMs, byCountry: true },
  { table: 'daily', column: 'day', width: dayMs, byCountry: true },
  { table: 'daily_all', column: 'day', width: dayMs, byCountry: false },
];

/** The destination-prefix counts: minutes for the SMS-pumping rule's windows, hours for the analytics table. */
const prefixLevels: Level[] = [
  { table: 'minute', column: 'minute', width: minuteMs, byCountry: false },
  { table: 'hourly', column: 'hour', width: hourMs, byCountry: false },
];
const prefixKeyNames = ['country_code', 'prefix', 'kind'] as const;

/** One stored event as the rollups count it: its time, its key values (and them joined, once for all levels), its country. */
interface Tallied {
  ms: number;
  key: string[];
  keyText: string;
  country: string;
}

const tallied = (ms: number, key: string[], country: string): Tallied => ({ ms, key, keyText: key.join('|'), country });

/** A rollup table's key columns, in the order of its primary key (after the bucket). */
type RollupKind = 'otp' | 'login' | 'otp_prefix';

const keyColumns = (kind: 'otp' | 'login', level: Level) =>
  kind === 'otp'
    ? ['channel', 'purpose', ...(level.byCountry ? ['country'] : []), 'kind', 'reason']
    : ['outcome', 'reason', ...(level.byCountry ? ['country'] : [])];

/**
 * Sums the batch per bucket and key of one level, as rows [bucket, …key columns, count] in the table's
 * column order. The rows go out unsorted: the upsert sorts them by key (the lock order between batches)
 * in the database.
 */
function tally(events: Tallied[], level: Level, names: readonly string[], columns: readonly string[]): unknown[][] {
  const out = new Map<string, { bucket: number; key: string[]; country: string; count: number }>();
  for (const { ms, key, keyText, country } of events) {
    const bucket = ms - (((ms % level.width) + level.width) % level.width);
    const id = level.byCountry ? `${bucket}|${keyText}|${country}` : `${bucket}|${keyText}`;
    const row = out.get(id);
    if (row) row.count += 1;
    else out.set(id, { bucket, key, country, count: 1 });
  }
  const positions = columns.map((column) => names.indexOf(column));
  return Array.from(out.values(), ({ bucket, key, country, count }) => [
    new Date(bucket).toISOString(),
    ...positions.map((i) => (i < 0 ? country : key[i])),
    count,
  ]);
}

/** One upsert of a batch's tallies into one rollup table. */
function upsert(kind: RollupKind, level: Level, keys: readonly string[], rows: unknown[][], shard: number): SQL {
  const table = `${kind}_rollup_${level.table}`;
  const columns = [level.column, ...keys].join(', ');
  return sql`insert into ${sql.raw(`${table} (${columns}`)}, shard, count)
    select ${sql.raw(['bucket', ...keys].join(', '))}, ${shard}, count
    from ${jsonbRows(['bucket timestamptz', ...keys.map((k) => `${k} text`), 'count bigint'].join(', '), rows)} as t
    order by ${sql.raw(['bucket', ...keys].join(', '))}
    on conflict (${sql.raw(columns)}, shard) do update set count = ${sql.raw(table)}.count + excluded.count`;
}

/*
 * Each batch takes the next shard in turn, from a random start per process. A random pick per batch
 * gave two of four concurrent batches the same shard more often than not (1 - 7/8 * 6/8 * 5/8 = 59 %),
 * and the second then waited for the first to commit on every rollup row of the hours they share. In
 * turn, the batches one process has in flight hold different shards as long as there are at most
 * `rollupShards` of them; other processes start elsewhere, and rarely meet on a shard.
 */
let shardTurn = Math.floor(Math.random() * rollupShards);
/** The shard of a batch's rollup rows: its counters and its code latencies (./code-latency.ts) both go there. */
export function nextShard(): number {
  shardTurn = (shardTurn + 1) % rollupShards;
  return shardTurn;
}

const otpKeyNames = ['channel', 'purpose', 'kind', 'reason'] as const;
const loginKeyNames = ['outcome', 'reason'] as const;

/**
 * The upserts that add newly stored events to the hourly, daily and all-countries daily rollups: one per
 * table, all into one shard (a different one for each batch this process has in flight: see nextShard), sent by
 * the caller as parts of one statement (`inOneStatement`, which runs them in the order given). Within a table
 * rows go in key order, and every batch lists the tables in the same order (`levels`, OTP before login), so two
 * batches lock rollup rows in one order.
 */
export function rollupUpserts(
  events: IngestEvent[],
  destinations: Destinations = new Map(),
  shard: number = nextShard(),
): SQL[] {
  const otp: Tallied[] = [];
  const login: Tallied[] = [];
  const prefix: Tallied[] = [];
  for (const e of events) {
    const country = e.context?.country ?? '';
    const ms = Date.parse(e.occurredAt);
    if (e.type === 'login.succeeded') login.push(tallied(ms, ['succeeded', ''], country));
    else if (e.type === 'login.failed') login.push(tallied(ms, ['failed', e.reason], country));
    else if (e.type in otpKind) {
      const o = e as Extract<IngestEvent, { type: keyof typeof otpKind }>;
      otp.push(tallied(ms, [o.channel, o.purpose, otpKind[o.type], o.type === 'otp.failed' ? o.reason : ''], country));
      const at = destinations.get(e.id)?.at;
      if (at && (o.type === 'otp.issued' || o.type === 'otp.verified'))
        prefix.push(tallied(ms, [at.countryCode, at.prefix, otpKind[o.type]], ''));
    }
  }
  const upserts: SQL[] = [];
  for (const [kind, list, names] of [
    ['otp', otp, otpKeyNames],
    ['login', login, loginKeyNames],
  ] as const) {
    if (list.length === 0) continue;
    for (const level of levels) {
      const keys = keyColumns(kind, level);
      upserts.push(upsert(kind, level, keys, tally(list, level, names, keys), shard));
    }
  }
  if (prefix.length > 0)
    for (const level of prefixLevels)
      upserts.push(
        upsert('otp_prefix', level, prefixKeyNames, tally(prefix, level, prefixKeyNames, prefixKeyNames), shard),
      );
  return upserts;
}
