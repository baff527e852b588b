import { sql, type SQL } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { rollupShards } from '@/db/schema';
import type { IngestEvent } from './event-schema';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;
export const hourOf = (occurredAt: string) => new Date(Math.floor(Date.parse(occurredAt) / hourMs) * hourMs);
const dayOf = (occurredAt: string) => new Date(Math.floor(Date.parse(occurredAt) / dayMs) * dayMs);

const otpKind = { 'otp.issued': 'issued', 'otp.verified': 'verified', 'otp.failed': 'failed', 'otp.delivery_failed': 'delivery_failed' } as const;

interface OtpKey {
  channel: string;
  purpose: string;
  country: string;
  kind: string;
  reason: string;
}
interface LoginKey {
  outcome: string;
  reason: string;
  country: string;
}

/** Sums the batch per key and time bucket, rows sorted by key (a fixed lock order between batches). */
function tally<K extends object>(events: { at: Date; key: K }[]): (K & { bucket: Date; count: number })[] {
  const out = new Map<string, K & { bucket: Date; count: number }>();
  for (const { at, key } of events) {
    const id = `${at.toISOString()}|${Object.values(key).join('|')}`;
    const row = out.get(id);
    if (row) row.count += 1;
    else out.set(id, { ...key, bucket: at, count: 1 });
  }
  return [...out.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
}

interface Level {
  table: string;
  column: 'hour' | 'day';
  bucketOf: (occurredAt: string) => Date;
  /** The all-countries rollup leaves the country out of its key. */
  byCountry: boolean;
}

const levels: Level[] = [
  { table: 'hourly', column: 'hour', bucketOf: hourOf, byCountry: true },
  { table: 'daily', column: 'day', bucketOf: dayOf, byCountry: true },
  { table: 'daily_all', column: 'day', bucketOf: dayOf, byCountry: false },
];

const rows = (value: unknown[]) => sql`${JSON.stringify(value)}::jsonb`;

/** One upsert of a batch's tallies into one rollup table (a CTE of the statement addToRollups sends). */
function upsert(kind: 'otp' | 'login', level: Level, tallied: Record<string, unknown>[], shard: number): SQL {
  const keys = kind === 'otp' ? ['channel', 'purpose', ...(level.byCountry ? ['country'] : []), 'kind', 'reason'] : ['outcome', 'reason', ...(level.byCountry ? ['country'] : [])];
  const table = `${kind}_rollup_${level.table}`;
  const columns = [level.column, ...keys].join(', ');
  return sql`insert into ${sql.raw(`${table} (${columns}`)}, shard, count)
    select ${sql.raw(['bucket', ...keys].join(', '))}, ${shard}, count
    from jsonb_to_recordset(${rows(tallied)}) as t(${sql.raw(['bucket timestamptz', ...keys.map((k) => `${k} text`), 'count bigint'].join(', '))})
    order by ${sql.raw(['bucket', ...keys].join(', '))}
    on conflict (${sql.raw(columns)}, shard) do update set count = ${sql.raw(table)}.count + excluded.count`;
}

/**
 * Adds newly stored events to the hourly, daily and all-countries daily rollups, in one statement (one
 * round trip) with one upsert per table, into one shard (chosen per batch, so concurrent batches rarely
 * wait on the same row). Within a table rows go in key order. PostgreSQL does not document the order in
 * which it runs a statement's data-modifying CTEs, but it is fixed for a given statement text, and every
 * batch sends the same text (tables in `levels` order), so two batches lock rollup rows in one order.
 */
export async function addToRollups(tx: Tx, events: IngestEvent[]): Promise<void> {
  const otp: { occurredAt: string; key: OtpKey }[] = [];
  const login: { occurredAt: string; key: LoginKey }[] = [];
  for (const e of events) {
    const country = e.context?.country ?? '';
    if (e.type === 'login.succeeded' || e.type === 'login.failed') {
      login.push({ occurredAt: e.occurredAt, key: { outcome: e.type === 'login.succeeded' ? 'succeeded' : 'failed', reason: e.type === 'login.failed' ? e.reason : '', country } });
    } else if (e.type in otpKind) {
      const o = e as Extract<IngestEvent, { type: keyof typeof otpKind }>;
      otp.push({ occurredAt: o.occurredAt, key: { channel: o.channel, purpose: o.purpose, country, kind: otpKind[o.type], reason: o.type === 'otp.failed' ? o.reason : '' } });
    }
  }
  const shard = Math.floor(Math.random() * rollupShards);
  const upserts: SQL[] = [];
  for (const [kind, list] of [
    ['otp', otp],
    ['login', login],
  ] as const) {
    if (list.length === 0) continue;
    for (const level of levels) {
      const keyed = list.map((e) => {
        const { country, ...rest } = e.key;
        return { at: level.bucketOf(e.occurredAt), key: level.byCountry ? { ...rest, country } : rest };
      });
      upserts.push(upsert(kind, level, tally(keyed), shard));
    }
  }
  if (upserts.length === 0) return;
  await tx.execute(sql`with ${sql.join(
    upserts.map((u, i) => sql`${sql.raw(`u${i}`)} as (${u})`),
    sql`, `,
  )} select 1`);
}
