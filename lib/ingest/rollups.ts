import { sql } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { rollupShards } from '@/db/schema';
import type { IngestEvent } from './event-schema';

const hourMs = 3_600_000;
export const hourOf = (occurredAt: string) => new Date(Math.floor(Date.parse(occurredAt) / hourMs) * hourMs);

const otpKind = { 'otp.issued': 'issued', 'otp.verified': 'verified', 'otp.failed': 'failed', 'otp.delivery_failed': 'delivery_failed' } as const;

/**
 * Adds a batch of newly stored events to the hourly rollups. Counts are summed per key in memory, then
 * upserted in one statement per table into one shard (chosen per batch), rows sorted by key so
 * concurrent batches lock them in the same order and cannot deadlock.
 */
export async function addToRollups(tx: Tx, events: IngestEvent[]): Promise<void> {
  const otp = new Map<string, { hour: Date; channel: string; purpose: string; country: string; kind: string; reason: string; count: number }>();
  const login = new Map<string, { hour: Date; outcome: string; reason: string; country: string; count: number }>();
  for (const e of events) {
    const country = e.context?.country ?? '';
    if (e.type === 'login.succeeded' || e.type === 'login.failed') {
      const row = { hour: hourOf(e.occurredAt), outcome: e.type === 'login.succeeded' ? 'succeeded' : 'failed', reason: e.type === 'login.failed' ? e.reason : '', country };
      const key = `${row.hour.toISOString()}|${row.outcome}|${row.reason}|${country}`;
      const existing = login.get(key);
      if (existing) existing.count += 1;
      else login.set(key, { ...row, count: 1 });
    } else if (e.type in otpKind) {
      const o = e as Extract<IngestEvent, { type: keyof typeof otpKind }>;
      const kind = otpKind[o.type];
      const row = { hour: hourOf(o.occurredAt), channel: o.channel, purpose: o.purpose, country, kind, reason: o.type === 'otp.failed' ? o.reason : '' };
      const key = `${row.hour.toISOString()}|${row.channel}|${row.purpose}|${country}|${kind}|${row.reason}`;
      const existing = otp.get(key);
      if (existing) existing.count += 1;
      else otp.set(key, { ...row, count: 1 });
    }
  }
  const shard = Math.floor(Math.random() * rollupShards);
  const sorted = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  if (otp.size > 0) {
    await tx.execute(sql`insert into otp_rollup_hourly (hour, channel, purpose, country, kind, reason, shard, count)
      select hour, channel, purpose, country, kind, reason, ${shard}, count
      from jsonb_to_recordset(${JSON.stringify(sorted(otp))}::jsonb) as t(hour timestamptz, channel text, purpose text, country text, kind text, reason text, count bigint)
      on conflict (hour, channel, purpose, country, kind, reason, shard) do update set count = otp_rollup_hourly.count + excluded.count`);
  }
  if (login.size > 0) {
    await tx.execute(sql`insert into login_rollup_hourly (hour, outcome, reason, country, shard, count)
      select hour, outcome, reason, country, ${shard}, count
      from jsonb_to_recordset(${JSON.stringify(sorted(login))}::jsonb) as t(hour timestamptz, outcome text, reason text, country text, count bigint)
      on conflict (hour, outcome, reason, country, shard) do update set count = login_rollup_hourly.count + excluded.count`);
  }
}
