import { pipeline } from 'node:stream/promises';
import { monthsBetween } from '@/db/partitions';
import { ensureMonths } from '@/lib/retention/partitions';
import { Readable } from 'node:stream';
import { Faker, en } from '@faker-js/faker';
import { accountIdFor } from '@/db/account-id';
import type { Database } from '@/db/client';
import { latencyBucketSql } from '@/lib/ingest/code-latency';
import { phoneChannels, phonePrefix } from '@/lib/ingest/phone-prefix';
import { retentionCutoff } from '@/lib/retention/config';
import { demoAccount, type DemoAccount } from './demo-profiles';

/*
 * The bulk path for benchmarks: millions of OTP or login events streamed with COPY for a population of generated
 * accounts, in one transaction that also fills the idempotency ledger, the hourly rollups, the accounts, and for
 * codes their destinations (SMS codes go to the account's phone), their pairing rows (those inside the codes'
 * retention window, as a store under retention holds), their latency counts and their destination-prefix counts (the
 * minutes and hours inside the hourly rollups' window), so every table the ingest pipeline
 * keeps stays true and as big as ingest would have made it. Event ids carry a run tag, so a second run adds
 * events. PostgreSQL server only (the embedded engine is for demos).
 */

export interface BulkOptions {
  kind: 'otp' | 'login';
  /** How many events to write. */
  events: number;
  accounts: number;
  days: number;
  seed: number;
  end: Date;
}

const hourMs = 3_600_000;
const purposes = [
  { value: 'login', weight: 55 },
  { value: 'transaction', weight: 25 },
  { value: 'delivery', weight: 12 },
  { value: 'password_reset', weight: 5 },
  { value: 'contact_change', weight: 3 },
] as const;
const hourWeights = [2, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 7, 8, 7, 6, 6, 6, 7, 9, 10, 10, 9, 6, 4];
const hourTable = hourWeights.flatMap((w, h) => Array<number>(w).fill(h));

function channelFor(f: Faker, a: DemoAccount): 'sms' | 'email' | 'totp' {
  if (a.twoFactor) return a.twoFactor;
  const r = f.number.float();
  return r < 0.6 ? 'sms' : r < 0.85 ? 'email' : 'totp';
}

/** Ids of accounts a previous bulk run with the same seed created, so a rerun adds events to them. */
async function existingAccountIds(database: Database, prefix: string): Promise<Map<string, string>> {
  const rows = await database.pg!<
    { id: string; external_id: string }[]
  >`select id, external_id from accounts where external_id like ${`${prefix}%`}`;
  return new Map(rows.map((r) => [r.external_id, r.id]));
}

/** Returns the number of events written. Calls `onProgress` about every 1 %. */
export async function bulkSeedEvents(
  database: Database,
  options: BulkOptions,
  onProgress?: (done: number, total: number) => void,
): Promise<number> {
  if (database.kind !== 'postgres' || !database.pg) {
    throw new Error(
      'The bulk path (millions of events) needs a PostgreSQL server: set DATABASE_URL. The embedded engine is for demos.',
    );
  }
  const pg = database.pg;
  const f = new Faker({ locale: [en], seed: options.seed });
  const prefix = `cus_b${options.seed.toString(36)}_`;
  const profiles = Array.from({ length: options.accounts }, (_, i) => ({
    ...demoAccount(f, i, options.days),
    externalId: `${prefix}${i.toString(36)}`,
  }));
  const endMs = options.end.getTime();
  const startMs = endMs - options.days * 24 * hourMs;
  const existing = await existingAccountIds(database, prefix);
  const accountIds = profiles.map((p) => existing.get(p.externalId) ?? accountIdFor(p.externalId));
  const first = new Float64Array(options.accounts).fill(Number.POSITIVE_INFINITY);
  const last = new Float64Array(options.accounts).fill(0);
  const receivedAt = new Date().toISOString();

  let written = 0;
  let flow = 0;
  // Event ids are unique per run (a rerun adds events rather than colliding with the last run's ids).
  const tag = `${options.seed.toString(36)}_${Date.now().toString(36)}`;
  // Generates rows in chunks of text lines: one for otp_events, one for seen_events.
  function* chunks(): Generator<string> {
    const reportEvery = Math.max(1, Math.floor(options.events / 100));
    let nextReport = reportEvery;
    while (written < options.events) {
      let events = '';
      for (let n = 0; n < 2000 && written < options.events; n++) {
        flow += 1;
        const ai = f.number.int({ min: 0, max: options.accounts - 1 });
        const a = profiles[ai]!;
        const day = f.number.int({ min: 0, max: options.days - 1 });
        let t =
          startMs +
          day * 24 * hourMs +
          hourTable[f.number.int({ min: 0, max: hourTable.length - 1 })]! * hourMs +
          f.number.int({ min: 0, max: hourMs - 1 });
        if (t >= endMs) t = endMs - f.number.int({ min: 1, max: 24 * hourMs });
        if (options.kind === 'login') {
          const device = a.devices[0]!;
          const emitLogin = (outcome: string, at: number, method: string, reason: string) => {
            if (written >= options.events || at >= endMs) return;
            written += 1;
            const eventId = `bulk_${tag}_${written.toString(36)}`;
            events += `${eventId}\t${accountIds[ai]}\t${new Date(at).toISOString()}\t${receivedAt}\t${outcome}\t${method}\t${reason}\t${a.homeIp}\t${device}\t${a.country}\n`;
            if (at < first[ai]!) first[ai] = at;
            if (at > last[ai]!) last[ai] = at;
          };
          if (f.number.float() < 0.06) emitLogin('failed', t, '\\N', 'bad_password');
          if (f.number.float() < 0.02)
            emitLogin('failed', t + 20_000, '\\N', f.helpers.arrayElement(['otp_failed', 'account_locked', 'other']));
          else emitLogin('succeeded', t + 30_000, a.twoFactor ? 'otp' : 'password', '\\N');
        } else {
          const channel = channelFor(f, a);
          const purpose = f.helpers.weightedArrayElement(purposes);
          const otpId = `otp_b${tag}_${flow.toString(36)}`;
          const ip = a.homeIp;
          const country = a.country;
          // Where ingest would say an SMS code went: the account's phone (docs: otp_events.destination).
          const destination = phoneChannels.includes(channel) ? a.phone : '\\N';
          const emit = (kind: string, at: number, reason: string) => {
            if (written >= options.events || at >= endMs) return;
            written += 1;
            const eventId = `bulk_${tag}_${written.toString(36)}`;
            const iso = new Date(at).toISOString();
            events += `${eventId}\t${accountIds[ai]}\t${iso}\t${receivedAt}\t${otpId}\t${kind}\t${channel}\t${purpose}\t${reason}\t${ip}\t${country}\t${destination}\n`;
            if (at < first[ai]!) first[ai] = at;
            if (at > last[ai]!) last[ai] = at;
          };
          emit('issued', t, '\\N');
          const roll = f.number.float();
          if (channel !== 'totp' && roll < 0.025) emit('delivery_failed', t + 4000, 'carrier_rejected');
          else if (roll < 0.05) emit('failed', t + 700_000, 'expired');
          else if (roll < 0.06) {
            for (let i = 0; i < 4; i++) emit('failed', t + 15_000 * (i + 1), 'incorrect');
            emit('failed', t + 80_000, 'max_attempts');
          } else if (roll >= 0.07) {
            if (roll < 0.14) emit('failed', t + 30_000, 'incorrect');
            emit('verified', t + 60_000, '\\N');
          }
        }
      }
      if (written >= nextReport) {
        onProgress?.(written, options.events);
        nextReport += reportEvery;
      }
      yield events;
    }
  }

  // The months' partitions first (COPY into a month without one would fail), then one transaction: events, the
  // idempotency ledger and the accounts land together or not at all.
  await ensureMonths(database.db, monthsBetween(new Date(startMs), new Date(endMs)));
  await pg.begin(async (tx) => {
    const table = options.kind === 'otp' ? 'otp_events' : 'login_events';
    const columns =
      options.kind === 'otp'
        ? 'event_id, account_id, occurred_at, received_at, otp_id, kind, channel, purpose, failure_reason, ip, country, destination'
        : 'event_id, account_id, occurred_at, received_at, outcome, method, failure_reason, ip, device_id, country';
    const eventsCopy = await tx.unsafe(`copy ${table} (${columns}) from stdin`).writable();
    await pipeline(Readable.from(chunks()), eventsCopy);
    // Statistics for the rows just copied (ANALYZE counts this transaction's own rows): the statements below select
    // them by their id prefix, and unanalysed partitions let the planner take millions of rows for a handful. It then
    // hashed the events instead of the phones in the prefix counts: 10M events over 42 days ran for 20 minutes there.
    await tx.unsafe(`analyze ${table}`);
    const mine = `bulk_${tag}_%`;
    await tx.unsafe(
      `insert into seen_events (event_id, received_at) select event_id, received_at from ${table} where event_id like $1`,
      [mine],
    );
    // The same rollups the ingest pipeline keeps, counted set-based over this run's rows.
    if (options.kind === 'otp') {
      await tx`insert into otp_rollup_hourly (hour, channel, purpose, country, kind, reason, count)
        select date_trunc('hour', occurred_at, 'UTC'), channel, purpose, coalesce(country, ''), kind,
               case when kind = 'failed' then coalesce(failure_reason, '') else '' end, count(*)
        from otp_events where event_id like ${mine} group by 1, 2, 3, 4, 5, 6
        on conflict (hour, channel, purpose, country, kind, reason, shard) do update set count = otp_rollup_hourly.count + excluded.count`;
      await tx`insert into otp_rollup_daily (day, channel, purpose, country, kind, reason, count)
        select date_trunc('day', occurred_at, 'UTC'), channel, purpose, coalesce(country, ''), kind,
               case when kind = 'failed' then coalesce(failure_reason, '') else '' end, count(*)
        from otp_events where event_id like ${mine} group by 1, 2, 3, 4, 5, 6
        on conflict (day, channel, purpose, country, kind, reason, shard) do update set count = otp_rollup_daily.count + excluded.count`;
      await tx`insert into otp_rollup_daily_all (day, channel, purpose, kind, reason, count)
        select date_trunc('day', occurred_at, 'UTC'), channel, purpose, kind,
               case when kind = 'failed' then coalesce(failure_reason, '') else '' end, count(*)
        from otp_events where event_id like ${mine} group by 1, 2, 3, 4, 5
        on conflict (day, channel, purpose, kind, reason, shard) do update set count = otp_rollup_daily_all.count + excluded.count`;
      // Each code's ends as ingest pairs them (lib/ingest/code-latency.ts): the pairing rows inside the codes' window,
      // and every code's delivery and use timed against its issue in the latency buckets.
      const codesFrom = (retentionCutoff('codes', options.end) ?? new Date(0)).toISOString();
      await tx.unsafe(
        `create temporary table bulk_codes on commit drop as
           select account_id, otp_id, min(channel) as channel, min(purpose) as purpose,
                  coalesce(min(country) filter (where kind = 'issued'), '') as country,
                  min(occurred_at) filter (where kind = 'issued') as issued_at,
                  min(occurred_at) filter (where kind = 'delivered') as delivered_at,
                  min(occurred_at) filter (where kind = 'verified') as verified_at
             from otp_events where event_id like $1 group by account_id, otp_id`,
        [mine],
      );
      await tx.unsafe(
        `insert into otp_codes (account_id, otp_id, channel, purpose, country, issued_at, delivered_at, verified_at, delivery_counted, verify_counted)
         select account_id, otp_id, channel, purpose, country, issued_at, delivered_at, verified_at,
                issued_at is not null and delivered_at is not null, issued_at is not null and verified_at is not null
           from bulk_codes where coalesce(issued_at, delivered_at, verified_at) >= $1
         on conflict (account_id, otp_id) do nothing`,
        [codesFrom],
      );
      await tx.unsafe(
        `insert into otp_latency_hourly (hour, channel, purpose, country, measure, bucket, count)
         select date_trunc('hour', issued_at, 'UTC'), channel, purpose, country, m.measure,
                ${latencyBucketSql('extract(epoch from m.at - issued_at)')}, count(*)
           from bulk_codes cross join lateral (values ('delivered', delivered_at), ('verified', verified_at)) as m(measure, at)
          where issued_at is not null and m.at is not null
          group by 1, 2, 3, 4, 5, 6
         on conflict (hour, channel, purpose, country, measure, bucket, shard) do update set count = otp_latency_hourly.count + excluded.count`,
      );
      // The destination-prefix counts (lib/ingest/rollups.ts) of the codes issued and verified to a phone: the minutes
      // the SMS-pumping rule reads and the hours of the analytics table, inside the hourly rollups' window, where a
      // store under retention keeps both. Each destination's prefix is worked out once, as ingest does (phonePrefix).
      const phones = [...new Set(profiles.map((p) => p.phone))].flatMap((phone) => {
        const at = phonePrefix(phone);
        return at ? [{ phone, ...at }] : [];
      });
      await tx.unsafe(
        `create temporary table bulk_prefixes on commit drop as
           select * from unnest($1::text[], $2::text[], $3::text[]) as p(phone, country_code, prefix)`,
        [phones.map((p) => p.phone), phones.map((p) => p.countryCode), phones.map((p) => p.prefix)] as never,
      );
      await tx.unsafe('analyze bulk_prefixes');
      const prefixesFrom = (retentionCutoff('hourly', options.end) ?? new Date(0)).toISOString();
      for (const [table, bucket] of [
        ['otp_prefix_rollup_minute', 'minute'],
        ['otp_prefix_rollup_hourly', 'hour'],
      ] as const)
        await tx.unsafe(
          `insert into ${table} (${bucket}, country_code, prefix, kind, count)
           select date_trunc('${bucket}', e.occurred_at, 'UTC'), p.country_code, p.prefix, e.kind, count(*)
             from otp_events e join bulk_prefixes p on p.phone = e.destination
            where e.event_id like $1 and e.kind in ('issued', 'verified') and e.occurred_at >= $2
            group by 1, 2, 3, 4
           on conflict (${bucket}, country_code, prefix, kind, shard) do update set count = ${table}.count + excluded.count`,
          [mine, prefixesFrom],
        );
    } else {
      await tx`insert into login_rollup_hourly (hour, outcome, reason, country, count)
        select date_trunc('hour', occurred_at, 'UTC'), outcome, coalesce(failure_reason, ''), coalesce(country, ''), count(*)
        from login_events where event_id like ${mine} group by 1, 2, 3, 4
        on conflict (hour, outcome, reason, country, shard) do update set count = login_rollup_hourly.count + excluded.count`;
      await tx`insert into login_rollup_daily (day, outcome, reason, country, count)
        select date_trunc('day', occurred_at, 'UTC'), outcome, coalesce(failure_reason, ''), coalesce(country, ''), count(*)
        from login_events where event_id like ${mine} group by 1, 2, 3, 4
        on conflict (day, outcome, reason, country, shard) do update set count = login_rollup_daily.count + excluded.count`;
      await tx`insert into login_rollup_daily_all (day, outcome, reason, count)
        select date_trunc('day', occurred_at, 'UTC'), outcome, coalesce(failure_reason, ''), count(*)
        from login_events where event_id like ${mine} group by 1, 2, 3
        on conflict (day, outcome, reason, shard) do update set count = login_rollup_daily_all.count + excluded.count`;
    }
    // New accounts go in with COPY, already knowing their first and last event; a rerun's accounts are updated.
    const accountsCopy =
      await tx`copy accounts (id, external_id, display_name, email, email_observed_at, phone, phone_observed_at, reported_two_factor_enabled, reported_two_factor_method, first_event_at) from stdin`.writable();
    const accountRows = function* () {
      for (let i = 0; i < options.accounts; i++) {
        const p = profiles[i]!;
        if (existing.has(p.externalId) || last[i] === 0) continue;
        const firstAt = new Date(first[i]!).toISOString();
        yield `${accountIds[i]}\t${p.externalId}\t${p.displayName}\t${p.email}\t${firstAt}\t${p.phone}\t${firstAt}\t${p.twoFactor ? 't' : 'f'}\t${p.twoFactor ?? '\\N'}\t${firstAt}\n`;
      }
    };
    await pipeline(Readable.from(accountRows()), accountsCopy);
    const activityCopy = await tx`copy account_activity (account_id, last_event_at) from stdin`.writable();
    const activityRows = function* () {
      for (let i = 0; i < options.accounts; i++) {
        if (!existing.has(profiles[i]!.externalId) && last[i] !== 0)
          yield `${accountIds[i]}\t${new Date(last[i]!).toISOString()}\n`;
      }
    };
    await pipeline(Readable.from(activityRows()), activityCopy);
    for (let i = 0; i < options.accounts; i += 2000) {
      const values: [string, string, string][] = [];
      for (let j = i; j < Math.min(i + 2000, options.accounts); j++) {
        if (existing.has(profiles[j]!.externalId) && last[j]! > 0)
          values.push([accountIds[j]!, new Date(first[j]!).toISOString(), new Date(last[j]!).toISOString()]);
      }
      if (values.length === 0) continue;
      await tx.unsafe(
        `with v as (select * from unnest($1::uuid[], $2::text[], $3::text[]) as v(id, f, l)),
              first as (update accounts set first_event_at = least(accounts.first_event_at, v.f::timestamptz) from v where accounts.id = v.id)
         insert into account_activity as a (account_id, last_event_at) select id, l::timestamptz from v
         on conflict (account_id) do update set last_event_at = greatest(a.last_event_at, excluded.last_event_at)`,
        [values.map((v) => v[0]), values.map((v) => v[1]), values.map((v) => v[2])] as never,
      );
    }
  });
  await pg`analyze accounts`;
  await pg`analyze account_activity`;
  await pg.unsafe(`analyze ${options.kind === 'otp' ? 'otp_events' : 'login_events'}`);
  await pg`analyze seen_events`;
  onProgress?.(written, options.events);
  return written;
}
