import { sql } from 'drizzle-orm';
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

/**
 * Adds newly stored events to the hourly and daily rollups, in one upsert per table into one shard
 * (chosen per batch, so concurrent batches rarely wait on the same row).
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
  const rows = (value: unknown[]) => sql`${JSON.stringify(value)}::jsonb`;
  for (const [table, bucketOf] of [
    ['hourly', hourOf],
    ['daily', dayOf],
  ] as const) {
    const column = table === 'hourly' ? 'hour' : 'day';
    if (otp.length > 0) {
      const tallied = tally(otp.map((e) => ({ at: bucketOf(e.occurredAt), key: e.key })));
      await tx.execute(sql`insert into ${sql.raw(`otp_rollup_${table} (${column}`)}, channel, purpose, country, kind, reason, shard, count)
        select bucket, channel, purpose, country, kind, reason, ${shard}, count
        from jsonb_to_recordset(${rows(tallied)}) as t(bucket timestamptz, channel text, purpose text, country text, kind text, reason text, count bigint)
        on conflict (${sql.raw(column)}, channel, purpose, country, kind, reason, shard) do update set count = ${sql.raw(`otp_rollup_${table}`)}.count + excluded.count`);
    }
    if (login.length > 0) {
      const tallied = tally(login.map((e) => ({ at: bucketOf(e.occurredAt), key: e.key })));
      await tx.execute(sql`insert into ${sql.raw(`login_rollup_${table} (${column}`)}, outcome, reason, country, shard, count)
        select bucket, outcome, reason, country, ${shard}, count
        from jsonb_to_recordset(${rows(tallied)}) as t(bucket timestamptz, outcome text, reason text, country text, count bigint)
        on conflict (${sql.raw(column)}, outcome, reason, country, shard) do update set count = ${sql.raw(`login_rollup_${table}`)}.count + excluded.count`);
    }
  }
}
