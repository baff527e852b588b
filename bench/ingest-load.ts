/*
 * What the ingest benchmarks share: the realistic event stream, the batches posted over HTTP with their
 * latencies, and the baseline they are measured against (a raw COPY of the same rows over one connection
 * into scratch tables created LIKE the event tables INCLUDING ALL).
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { queryRows, type Db } from '@/db/client';
import { demoDataset } from '@/lib/demo/generate-events';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { percentile } from './bench-database';

export const batchSize = 1000;

export function generateEvents(n: number, seed: number, end = new Date()): IngestEvent[] {
  const events: IngestEvent[] = [];
  // A platform-sized population: a batch touches mostly distinct accounts, as real traffic does (the 7 days before end).
  const dataset = demoDataset({ accounts: Math.max(2000, Math.ceil(n / 4)), days: 7, seed, end });
  for (const day of dataset.days()) {
    for (const e of day.events) events.push(e);
    if (events.length >= n) break;
  }
  return events.slice(0, n);
}

/** Batches are idempotent, so a connection the server closed while idle (keep-alive race) is simply retried. */
async function postWithRetry(url: string, body: string, key: string | undefined): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fetch(url, {
        method: 'POST',
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' },
        body,
      });
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
}

/** Posts the events in 1000-event batches from `concurrency` clients; every batch must answer 200. */
export async function postBatches(url: string, events: IngestEvent[], options: { key?: string; concurrency: number }) {
  const bodies: string[] = [];
  for (let i = 0; i < events.length; i += batchSize)
    bodies.push(JSON.stringify({ events: events.slice(i, i + batchSize) }));
  const latencies: number[] = [];
  /** Each batch's start and end (performance.now()), to tell the batches that overlapped something from the rest. */
  const spans: { start: number; end: number }[] = [];
  let next = 0;
  let accepted = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const t = performance.now();
        const res = await postWithRetry(url, body, options.key);
        if (res.status !== 200) throw new Error(`batch answered ${res.status}: ${await res.text()}`);
        accepted += ((await res.json()) as { accepted: number }).accepted;
        latencies.push(performance.now() - t);
        spans.push({ start: t, end: performance.now() });
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return {
    rate: events.length / seconds,
    seconds,
    accepted,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: Math.max(...latencies),
    spans,
  };
}

/** The same rows, COPY'd over one connection into scratch tables shaped like the event tables. */
export async function copyBaseline(url: string, events: IngestEvent[], suffix: string) {
  const sql = postgres(url, { max: 1, onnotice: () => undefined });
  const ids = new Map<string, string>();
  const accountId = (external: string) => ids.get(external) ?? (ids.set(external, randomUUID()), ids.get(external)!);
  const esc = (v: string | undefined | null) =>
    v === undefined || v === null ? '\\N' : v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
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
      const reason = 'reason' in o ? o.reason : undefined;
      otp.push(`${head}\t${esc(o.otpId)}\t${o.type.slice(4)}\t${o.channel}\t${o.purpose}\t${esc(reason)}\t${ctx}\n`);
    } else
      change.push(
        `${head}\t${e.type === 'account.contact_changed' ? 'contact_changed' : e.type === 'account.password_changed' ? 'password_changed' : '2fa_changed'}\t${ctx}\n`,
      );
  }
  await sql.unsafe(
    `create table scratch_login_${suffix} (like login_events including all); create table scratch_otp_${suffix} (like otp_events including all); create table scratch_account_${suffix} (like account_events including all)`,
  );
  const started = performance.now();
  const copy = async (table: string, columns: string, rows: string[]) => {
    const stream = await sql.unsafe(`copy ${table} (${columns}) from stdin`).writable();
    await pipeline(Readable.from(rows), stream);
  };
  const ctxCols = 'ip, user_agent, device_id, country';
  await copy(
    `scratch_login_${suffix}`,
    `event_id, account_id, occurred_at, received_at, outcome, method, failure_reason, ${ctxCols}`,
    login,
  );
  await copy(
    `scratch_otp_${suffix}`,
    `event_id, account_id, occurred_at, received_at, otp_id, kind, channel, purpose, failure_reason, ${ctxCols}`,
    otp,
  );
  await copy(`scratch_account_${suffix}`, `event_id, account_id, occurred_at, received_at, type, ${ctxCols}`, change);
  const seconds = (performance.now() - started) / 1000;
  await sql.unsafe(`drop table scratch_login_${suffix}, scratch_otp_${suffix}, scratch_account_${suffix}`);
  await sql.end();
  return { rate: events.length / seconds, seconds };
}

/** The baseline right before and right after the measured run; their mean, since one COPY of a few seconds can land on a quiet or a busy moment. */
export async function againstCopy<T extends { rate: number }>(
  url: string,
  events: IngestEvent[],
  suffix: string,
  run: () => Promise<T>,
) {
  const before = await copyBaseline(url, events, `${suffix}_before`);
  const result = await run();
  const after = await copyBaseline(url, events, `${suffix}_after`);
  const copy = (before.rate + after.rate) / 2;
  return { ...result, copy, copyBefore: before.rate, copyAfter: after.rate, ratio: result.rate / copy };
}

export const fmtRate = (rate: number) => Math.round(rate).toLocaleString('en-US');

/** A store under test: its server's events URL, an API key, and the database behind it (to see its detection). */
export interface IngestTarget {
  url: string;
  key: string;
  db: Db;
}

/**
 * Detection runs after each batch commits, off the request path, and trails a run by up to ~30 s. Waits until none of
 * the stores has detection work left (its backlog rows), so that no measure shares the cores with the last one's
 * detection, least of all another store's.
 */
export async function detectionDone(stores: IngestTarget[]) {
  for (const { db } of stores) {
    const deadline = performance.now() + 180_000;
    while ((await queryRows<{ n: number }>(db, sql`select count(*)::int as n from detection_backlog`))[0]!.n > 0) {
      if (performance.now() > deadline) throw new Error('detection did not catch up within 3 minutes');
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** One 100,000-event run into a store (4 clients), once no store has detection work left; its rate. */
export async function ingestRate(store: IngestTarget, events: IngestEvent[], all: IngestTarget[] = [store]) {
  await detectionDone(all);
  const run = await postBatches(store.url, events, { key: store.key, concurrency: 4 });
  // A store that had these events already answers them as duplicates, several times faster: not an ingest rate. (Each
  // generated run repeats ~2% of its events whatever the seed, so a few duplicates are every run's.)
  if (run.accepted < events.length * 0.9)
    throw new Error(
      `${events.length - run.accepted} of the ${events.length} events were already stored: use other seeds`,
    );
  return run.rate;
}

/**
 * A big store's ingest rate against a small store's beside it: three rounds, each posting the same 100,000 events
 * into both, in the order big, small, small, big, big, small (so drift over the minutes favours neither). The ratio is
 * of the rounds' means.
 */
export async function interleavedIngest(big: IngestTarget, small: IngestTarget, firstSeed = 10, end = new Date()) {
  const rates = { big: [] as number[], small: [] as number[] };
  const orders = [
    ['big', 'small'],
    ['small', 'big'],
    ['big', 'small'],
  ] as const;
  for (const [round, order] of orders.entries()) {
    const events = generateEvents(100_000, firstSeed + round, end);
    for (const store of order) rates[store].push(await ingestRate(store === 'big' ? big : small, events, [big, small]));
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    ...rates,
    bigRate: mean(rates.big),
    smallRate: mean(rates.small),
    ratio: mean(rates.big) / mean(rates.small),
  };
}

/** The line a bench prints for interleavedIngest's outcome. */
export const interleavedLine = (r: Awaited<ReturnType<typeof interleavedIngest>>) =>
  `ingest ${fmtRate(r.bigRate)} events/s (rounds ${r.big.map(fmtRate).join(', ')}) = ${r.ratio.toFixed(2)} × the small store's ` +
  `${fmtRate(r.smallRate)} (rounds ${r.small.map(fmtRate).join(', ')}) beside it (goal ≥ 0.8)`;
