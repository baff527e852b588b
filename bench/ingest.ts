/*
 * `npm run bench:ingest` (needs DATABASE_URL, a PostgreSQL server): posts realistic batches of 1000 events
 * over HTTP to a production build and compares the rate with a raw COPY of the same rows over one
 * connection into scratch tables created LIKE the event tables INCLUDING ALL, in the same run.
 * Then it loads the store with 10 million OTP events (bulk path) and repeats, to show the rate holds.
 *
 *   npm run bench:ingest -- [--events 500000] [--concurrency 4] [--big-store 10000000 | --big-store 0]
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import { systemActor } from '@/db/testing/fixtures';
import { bulkSeedEvents } from '@/db/seed/bulk-events';
import { demoDataset } from '@/db/seed/generate-events';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { createApiKey } from '@/lib/services/api-keys/create-api-key';
import { benchEnvironment, percentile } from './bench-database';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const totalEvents = arg('events', 500_000);
const concurrency = arg('concurrency', 4);
const bigStore = arg('big-store', 10_000_000);
const port = arg('port', 3490);
const batchSize = 1000;

function generate(n: number, seed: number): IngestEvent[] {
  const events: IngestEvent[] = [];
  // A platform-sized population: a batch touches mostly distinct accounts, as real traffic does.
  const dataset = demoDataset({ accounts: Math.max(2000, Math.ceil(n / 4)), days: 7, seed, end: new Date() });
  for (const day of dataset.days()) {
    for (const e of day.events) events.push(e);
    if (events.length >= n) break;
  }
  return events.slice(0, n);
}


/** Batches are idempotent, so a connection the server closed while idle (keep-alive race) is simply retried. */
async function postWithRetry(body: string, key: string): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(`http://localhost:${port}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

async function postAll(events: IngestEvent[], key: string) {
  const bodies: string[] = [];
  for (let i = 0; i < events.length; i += batchSize) bodies.push(JSON.stringify({ events: events.slice(i, i + batchSize) }));
  const latencies: number[] = [];
  let next = 0;
  let accepted = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const t = performance.now();
        const res = await postWithRetry(body, key);
        if (res.status !== 200) throw new Error(`batch answered ${res.status}: ${await res.text()}`);
        accepted += ((await res.json()) as { accepted: number }).accepted;
        latencies.push(performance.now() - t);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { rate: events.length / seconds, seconds, accepted, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/** The same rows, COPY'd over one connection into scratch tables shaped like the event tables. */
async function copyBaseline(url: string, events: IngestEvent[], suffix: string) {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  const ids = new Map<string, string>();
  const accountId = (external: string) => ids.get(external) ?? (ids.set(external, randomUUID()), ids.get(external)!);
  const esc = (v: string | undefined | null) => (v === undefined || v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n'));
  const now = new Date().toISOString();
  const login: string[] = [];
  const otp: string[] = [];
  const change: string[] = [];
  for (const e of events) {
    const c = e.context ?? {};
    const ctx = `${esc(c.ip)}\t${esc(c.userAgent)}\t${esc(c.deviceId)}\t${esc(c.country)}`;
    const head = `${esc(e.id)}\t${accountId(e.account.id)}\t${e.occurredAt}\t${now}`;
    if (e.type === 'login.succeeded') login.push(`${head}\tsucceeded\t${esc(e.method)}\t\\N\t${ctx}\n`);
    else if (e.type === 'login.failed') login.push(`${head}\tfailed\t\\N\t${e.reason}\t${ctx}\n`);
    else if (e.type.startsWith('otp.')) {
      const o = e as Extract<IngestEvent, { otpId: string }>;
      const reason = 'reason' in o ? (o.reason) : undefined;
      otp.push(`${head}\t${esc(o.otpId)}\t${o.type.slice(4)}\t${o.channel}\t${o.purpose}\t${esc(reason)}\t${ctx}\n`);
    } else change.push(`${head}\t${e.type === 'account.contact_changed' ? 'contact_changed' : e.type === 'account.password_changed' ? 'password_changed' : '2fa_changed'}\t${ctx}\n`);
  }
  await sql.unsafe(`create table scratch_login_${suffix} (like login_events including all); create table scratch_otp_${suffix} (like otp_events including all); create table scratch_account_${suffix} (like account_events including all)`);
  const started = performance.now();
  const copy = async (table: string, columns: string, rows: string[]) => {
    const stream = await sql.unsafe(`copy ${table} (${columns}) from stdin`).writable();
    await pipeline(Readable.from(rows), stream);
  };
  const ctxCols = 'ip, user_agent, device_id, country';
  await copy(`scratch_login_${suffix}`, `event_id, account_id, occurred_at, received_at, outcome, method, failure_reason, ${ctxCols}`, login);
  await copy(`scratch_otp_${suffix}`, `event_id, account_id, occurred_at, received_at, otp_id, kind, channel, purpose, failure_reason, ${ctxCols}`, otp);
  await copy(`scratch_account_${suffix}`, `event_id, account_id, occurred_at, received_at, type, ${ctxCols}`, change);
  const seconds = (performance.now() - started) / 1000;
  await sql.unsafe(`drop table scratch_login_${suffix}, scratch_otp_${suffix}, scratch_account_${suffix}`);
  await sql.end();
  return { rate: events.length / seconds, seconds };
}

async function main() {
  const env = await benchEnvironment('bench_ingest', port, { VIGIL_INGEST_RATE_LIMIT: '1000000' });
  try {
    await env.startServer();
    const { key } = await createApiKey(env.database.db, systemActor, { name: 'bench', scopes: ['events:write'] });
    console.log(`generating ${totalEvents.toLocaleString('en-US')} events…`);
    const phase = async (label: string, seed: number) => {
      const events = generate(totalEvents, seed);
      // The baseline runs right before and right after the API, and the ratio uses their mean: on a noisy
      // machine one COPY of a few seconds can land on a quiet or a busy moment.
      const suffix = label.replace(/\W/g, '_');
      const copyBefore = await copyBaseline(env.url, events, `${suffix}_before`);
      const api = await postAll(events, key);
      const copyAfter = await copyBaseline(env.url, events, `${suffix}_after`);
      const copyRate = (copyBefore.rate + copyAfter.rate) / 2;
      const fmt = (rate: number) => Math.round(rate).toLocaleString('en-US');
      console.log(
        `${label}: API ${fmt(api.rate)} events/s (p50 ${api.p50.toFixed(0)} ms, p99 ${api.p99.toFixed(0)} ms per 1000-event batch, ${concurrency} clients); ` +
          `COPY ${fmt(copyRate)} events/s (before ${fmt(copyBefore.rate)}, after ${fmt(copyAfter.rate)}); ratio API/COPY = ${(api.rate / copyRate).toFixed(2)} (goal ≥ 0.35)`,
      );
      return { api: api.rate, copy: copyRate };
    };
    const empty = await phase('empty store', 101);
    if (bigStore > 0) {
      console.log(`loading ${bigStore.toLocaleString('en-US')} OTP events (bulk path)…`);
      await bulkSeedEvents(env.database, { kind: 'otp', events: bigStore, accounts: 100_000, days: 90, seed: 202, end: new Date() });
      const big = await phase(`store with ${bigStore.toLocaleString('en-US')} events`, 303);
      // The two phases run minutes apart, and this machine's speed drifts: COPY into an empty scratch table
      // does not depend on the store's size, so its change between the phases shows the drift.
      console.log(
        `rate with a full store / empty store = ${(big.api / empty.api).toFixed(2)} (goal ≥ 0.8); ` +
          `COPY in the same phases: ${(big.copy / empty.copy).toFixed(2)}; the API's ratio to COPY, full / empty = ${(big.api / big.copy / (empty.api / empty.copy)).toFixed(2)}`,
      );
    }
  } finally {
    await env.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
