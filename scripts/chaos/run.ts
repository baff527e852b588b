/*
 * `npm run chaos`: the whole production server under load while things break. Starts its own throwaway
 * PostgreSQL cluster (so it can crash it), a production build of Vigil on a fresh database per scenario, and
 * platform-like traffic (scripts/chaos/load.ts); prints one line per scenario with its figures, then a summary
 * line `chaos: N passed, N failed`. Stops by itself (a 10-minute deadline for the whole run).
 *   1. database crash under load   2. server killed mid-batch   3. overload (200 connections)
 *   4. slow, truncated, lying and fuzzed requests   5. graceful shutdown under load
 * `--ci` runs 1, 2 and 5 (the fast ones, what .ci/run counts); `--only 3` runs one. VIGIL_CHAOS_NODE_ARGS
 * passes flags to the server's node (`--max-old-space-size=192` to see scenario 3's memory with a capped heap).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { encode } from 'next-auth/jwt';
import postgres from 'postgres';
import { migrateDatabase, openPostgres, queryRows, type Database } from '@/db/client';
import { lockAccount } from '@/lib/accounts/lock-account';
import { createApiKey } from '@/lib/api-keys/create-api-key';
import { signInStaff } from '@/lib/auth/staff-sign-in';
import { serviceContext } from '@/lib/context';
import { makeStaff, passSecondFactor, systemActor } from '@/lib/testing/fixtures';
import { saveWebhookSettings } from '@/lib/webhooks/save-webhook-settings';
import { createCluster, type Cluster } from './cluster';
import {
  ingestClient,
  makeBatch,
  newIngestStats,
  percentile,
  postUntilTaken,
  reader,
  webhookReceiver,
  type Answer,
} from './load';
import { ensureBuild, vigilServer, type VigilServer } from './vigil';
import { fuzzRequests, rawRequest, sendAll, statusSummary } from './abuse';

/**
 * The throwaway cluster's port: below the kernel's ephemeral range (32768–60999 here), which it hands to outgoing
 * connections. A port in it (the suite once used 55440–55489) can be held by any client's connection at the moment
 * PostgreSQL binds, at its first start or its restart after the crash: a CI run failed so. One that is free now.
 */
async function freePgPort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = 25440 + Math.floor(Math.random() * 100);
    const free = await new Promise<boolean>((resolve) => {
      const probe = net.createServer();
      probe.once('error', () => resolve(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error('no free port for the chaos cluster in 25440–25539');
}
/** Each scenario's server on a port of its own: a server a failed scenario left behind never answers for the next. */
let vigilPort = 3290;
const started: VigilServer[] = [];
const deadline = Date.now() + 10 * 60_000;
const secret = randomBytes(32).toString('hex');
const logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-chaos-'));

interface Outcome {
  name: string;
  ok: boolean;
  figures: string;
  problems: string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A scenario's world: a fresh database, keys, a signed-in admin, and a Vigil server on it. */
async function world(cluster: Cluster, name: string, env: Record<string, string> = {}) {
  const dbName = `chaos_${name}_${process.pid}`;
  const admin = postgres(cluster.url(), { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${dbName}`);
  await admin.end();
  // One connection at a time for the suite's own checks: the server's pool is what is under test.
  const database: Database = openPostgres(cluster.url(dbName), { max: 4 });
  await migrateDatabase(database);
  const db = database.db;
  const ctx = serviceContext(db, systemActor);
  const ingestKey = (await createApiKey(ctx, { name: 'chaos ingest', scopes: ['events:write'] })).key;
  const readKey = (
    await createApiKey(ctx, { name: 'chaos reader', scopes: ['metrics:read', 'accounts:read', 'alerts:read'] })
  ).key;
  const staff = await makeStaff(db, 'admin');
  const signIn = await signInStaff(db, { email: staff.email, password: staff.password });
  if (!signIn.ok) throw new Error('chaos: the staff sign-in failed');
  await passSecondFactor(db, signIn.token);
  const cookie = `next-auth.session-token=${await encode({ token: { sid: signIn.token }, secret })}`;
  vigilPort += 1;
  const server = vigilServer(
    vigilPort,
    {
      DATABASE_URL: cluster.url(dbName),
      NEXTAUTH_SECRET: secret,
      VIGIL_ALLOW_PRIVATE_TARGETS: '127.0.0.1,::1,localhost',
      VIGIL_INGEST_RATE_LIMIT: '10000',
      VIGIL_API_READ_RATE_LIMIT: '10000',
      ...env,
    },
    path.join(logDir, `${name}.log`),
  );
  started.push(server);
  await server.start();
  return { db, database, ingestKey, readKey, cookie, server, dbName };
}

type World = Awaited<ReturnType<typeof world>>;

async function storedChaosEvents(w: World): Promise<Set<string>> {
  const rows = await queryRows<{ event_id: string }>(
    w.db,
    sql`select event_id from login_events where event_id like 'c%' union all select event_id from otp_events where event_id like 'c%'`,
  );
  return new Set(rows.map((r) => r.event_id));
}

/** Sent vs acknowledged vs stored: nothing lost (every acknowledged event stored), nothing doubled. */
async function compareStored(w: World, sent: Set<string>, acked: Set<string>, problems: string[]) {
  const rows = await queryRows<{ n: number; distinct: number }>(
    w.db,
    sql`select count(*)::int as n, count(distinct event_id)::int as distinct from (
          select event_id from login_events where event_id like 'c%' union all select event_id from otp_events where event_id like 'c%') e`,
  );
  const stored = await storedChaosEvents(w);
  const lost = [...acked].filter((id) => !stored.has(id)).length;
  const unsent = [...stored].filter((id) => !sent.has(id)).length;
  if (lost > 0) problems.push(`${lost} acknowledged events are not stored`);
  if (unsent > 0) problems.push(`${unsent} stored events were never sent`);
  if (rows[0]!.n !== rows[0]!.distinct) problems.push(`${rows[0]!.n - rows[0]!.distinct} events stored twice`);
  if (acked.size !== sent.size) problems.push(`${sent.size - acked.size} events sent were never acknowledged`);
  return { sent: sent.size, stored: rows[0]!.n };
}

const apiFamilies = new Set(['ingest', 'metrics', 'security']);

/** 1. PostgreSQL stopped hard for 8 s under ingest and read load, then started again. */
async function databaseCrash(cluster: Cluster): Promise<Outcome> {
  const w = await world(cluster, 'crash');
  const problems: string[] = [];
  const stats = newIngestStats();
  const answers: Answer[] = [];
  let stop = false;
  const drainBy = () => Date.now() + 60_000;
  const account = 'chaos_cus_1';
  const hour = Math.floor(Date.now() / 3_600_000) * 3_600_000;
  const from = new Date(hour - 2 * 3_600_000).toISOString();
  const to = new Date(hour + 2 * 3_600_000).toISOString();
  const key = { authorization: `Bearer ${w.readKey}` };
  const readers = [
    ['metrics', `/api/v1/metrics/otp?from=${from}&to=${to}&granularity=hour`, key],
    ['metrics', `/api/v1/metrics/logins?from=${from}&to=${to}&granularity=hour`, key],
    ['security', `/api/v1/accounts/${account}/security`, key],
    ['security', `/api/v1/accounts/chaos_cus_2/security`, key],
    ['page', '/', { cookie: w.cookie }],
    ['page', '/alerts', { cookie: w.cookie }],
    ['page', '/', { cookie: w.cookie }],
    ['page', '/alerts', { cookie: w.cookie }],
  ] as const;
  const clients = [0, 1, 2, 3].map((i) =>
    ingestClient(w.server.baseUrl, w.ingestKey, `c1_${i}`, stats, { batchSize: 500, stop: () => stop, drainBy }),
  );
  const reading = readers.map(([what, p, headers]) => reader(w.server.baseUrl, what, p, headers, answers, () => stop));
  await sleep(8_000);
  const crashAt = Date.now();
  cluster.crash();
  await sleep(8_000);
  // Down until here. A request that meets the database while it starts (about a second) can wait out
  // connect_timeout (3 s): requests sent in the last second before the start are held to the rules of the whole
  // run (no 5xx but 503), not to the outage's 5 s.
  const startAt = Date.now();
  cluster.start();
  const upAt = Date.now();
  await sleep(10_000);
  stop = true;
  await Promise.all([...clients, ...reading]);

  const all = [...answers, ...stats.answers];
  // Requests sent while the database was down (from half a second after the crash, so none began before it).
  const down = all.filter((a) => a.at >= crashAt + 500 && a.at <= startAt - 1_000);
  const apiDown = down.filter((a) => apiFamilies.has(a.what));
  const pagesDown = down.filter((a) => a.what === 'page');
  const answeredWell = (a: Answer) =>
    a.ms <= 5_000 &&
    (a.status === 200 || (apiFamilies.has(a.what) ? a.status === 503 && a.retryAfter : a.status >= 500 || a.errorPage));
  if (apiDown.length === 0 || pagesDown.length === 0) problems.push('no request was answered during the outage');
  for (const kind of ['ingest', 'metrics', 'security', 'page']) {
    const wrong = down.filter((a) => a.what === kind && !answeredWell(a));
    if (wrong.length === 0) continue;
    const statuses = [...new Set(wrong.map((a) => a.status))].join(', ');
    problems.push(
      `${kind}: ${wrong.length} of ${down.filter((a) => a.what === kind).length} answers during the outage were not a quick error (status ${statuses}; slowest ${Math.max(...wrong.map((a) => a.ms))} ms)`,
    );
  }
  const bad5xx = all.filter((a) => apiFamilies.has(a.what) && a.status >= 500 && a.status !== 503).length;
  if (bad5xx > 0) problems.push(`${bad5xx} API answers were 5xx other than 503`);
  const after = all.filter((a) => a.at > upAt + 5_000);
  const recovered = after.filter((a) => a.status === 200).length;
  if (recovered === 0)
    problems.push('nothing answered 200 after the database came back (no recovery without a restart)');
  const counts = await compareStored(w, stats.sent, stats.acked, problems);
  // The metrics API's totals against a recount of the stored events.
  const res = await fetch(`${w.server.baseUrl}/api/v1/metrics/otp?from=${from}&to=${to}&granularity=hour`, {
    headers: key,
  });
  const body = (await res.json()) as { totals?: { issued: number; verified: number } };
  const [recount] = await queryRows<{ issued: number; verified: number }>(
    w.db,
    sql`select count(*) filter (where kind = 'issued')::int as issued, count(*) filter (where kind = 'verified')::int as verified
          from otp_events where occurred_at >= ${from}::timestamptz and occurred_at < ${to}::timestamptz`,
  );
  if (body.totals?.issued !== recount!.issued || body.totals.verified !== recount!.verified)
    problems.push(
      `metrics API (${res.status}) totals ${JSON.stringify(body.totals ?? body)} differ from the recount ${JSON.stringify(recount)}`,
    );
  const worstDown = Math.max(0, ...down.map((a) => a.ms));
  const worst = down.find((a) => a.ms === worstDown);
  const worstWhat = worst
    ? ` (${worst.what} ${worst.status}, sent ${((worst.at - crashAt) / 1000).toFixed(1)} s into the outage)`
    : '';

  const p99Down = percentile(
    down.map((a) => a.ms),
    99,
  );
  await w.server.terminate();
  await w.database.close();
  return {
    name: 'database crash under load',
    ok: problems.length === 0,
    figures: `outage answers ${down.length} (API ${apiDown.length}, pages ${pagesDown.length}), p99 ${p99Down} ms, slowest ${worstDown} ms${worstWhat}; events sent ${counts.sent.toLocaleString('en-US')}, stored ${counts.stored.toLocaleString('en-US')}; metrics totals = recount`,
    problems,
  };
}

/** 2. SIGKILL while batches, detection and webhook deliveries are in flight; start again. */
async function serverKilled(cluster: Cluster): Promise<Outcome> {
  const w = await world(cluster, 'kill', { VIGIL_DETECTION_LEASE_SECONDS: '20' });
  const problems: string[] = [];
  const receiver = await webhookReceiver(1_500);
  const ctx = serviceContext(w.db, systemActor);
  await saveWebhookSettings(ctx, { url: receiver.url, enabled: true });
  const stats = newIngestStats();
  let stop = false;
  const drainBy = () => Date.now() + 90_000;
  const clients = [0, 1, 2, 3].map((i) =>
    ingestClient(w.server.baseUrl, w.ingestKey, `c2_${i}`, stats, { batchSize: 500, stop: () => stop, drainBy }),
  );
  await sleep(4_000);
  // Staff actions whose webhooks are being delivered (slowly) when the server dies.
  const locked = await queryRows<{ id: string; version: number }>(
    w.db,
    sql`select id, version from accounts where external_id like 'chaos_cus_%' order by external_id limit 12`,
  );
  for (const a of locked)
    await lockAccount(ctx, {
      accountId: a.id,
      version: a.version,
      idempotencyKey: randomBytes(8).toString('hex'),
      reasonCode: 'fraud_report',
      note: 'chaos',
    });
  // A planted burst: 6 codes to one account in 3 minutes, no login — in a batch in flight at the kill.
  const burstAccount = `chaos_burst_${randomBytes(3).toString('hex')}`;
  const now = Date.now();
  const burst = Array.from({ length: 6 }, (_, i) => ({
    id: `c2_burst_${i}`,
    type: 'otp.issued',
    occurredAt: new Date(now - 180_000 + i * 30_000).toISOString(),
    account: { id: burstAccount },
    otpId: `otp_burst_${i}`,
    channel: 'sms',
    purpose: 'login',
  }));
  const burstBatch = [...makeBatch('c2_withburst', 494), ...burst];
  // Kill once the receiver holds a delivery (it answers after 1.5 s): those are cut and must be sent again.
  for (let i = 0; i < 100 && receiver.deliveries() === 0; i++) await sleep(50);
  const burstPosted = postUntilTaken(w.server.baseUrl, w.ingestKey, burstBatch, stats, drainBy());
  await sleep(150);
  const inFlight = receiver.deliveries();
  await w.server.kill();
  const killedAt = Date.now();
  await sleep(1_000);
  await w.server.start();
  const restartMs = Date.now() - killedAt;
  await sleep(5_000);
  stop = true;
  await Promise.all([...clients, burstPosted]);

  // The planted burst's alert, read through the API (the backlog sweep runs what the killed server left).
  let alertAfterMs = -1;
  const waitUntil = Date.now() + 90_000;
  while (Date.now() < waitUntil) {
    const res = await fetch(`${w.server.baseUrl}/api/v1/alerts?accountId=${burstAccount}`, {
      headers: { authorization: `Bearer ${w.readKey}` },
    });
    const body = (await res.json()) as { alerts?: { rule: string }[] };
    if (body.alerts?.some((a) => a.rule === 'unrequested_otp_burst')) {
      alertAfterMs = Date.now() - killedAt;
      break;
    }
    await sleep(500);
  }
  if (alertAfterMs < 0) problems.push('the planted OTP burst raised no alert');
  // Every webhook queued is delivered once the server is back (the receiver dedupes by Vigil-Event-Id).
  const deliveredBy = Date.now() + 90_000;
  // Delivered means Vigil recorded the receiver's 2xx: a delivery cut by the kill is sent again once its lease
  // (a minute) runs out.
  let queued: { event_id: string; status: string }[] = [];
  while (Date.now() < deliveredBy) {
    queued = await queryRows<{ event_id: string; status: string }>(
      w.db,
      sql`select id::text as event_id, status from outbox where kind = 'webhook'`,
    );
    if (queued.length > 0 && queued.every((r) => r.status === 'delivered' && receiver.seen.has(r.event_id))) break;
    await sleep(500);
  }
  const missing = queued.filter((r) => r.status !== 'delivered' || !receiver.seen.has(r.event_id)).length;
  if (queued.length < locked.length) problems.push(`only ${queued.length} webhooks queued for ${locked.length} locks`);
  if (missing > 0) problems.push(`${missing} of ${queued.length} webhooks never reached the receiver`);
  const counts = await compareStored(w, stats.sent, stats.acked, problems);
  await w.server.terminate();
  await receiver.close();
  await w.database.close();
  return {
    name: 'server killed mid-batch',
    ok: problems.length === 0,
    figures: `restart ${(restartMs / 1000).toFixed(1)} s; events sent ${counts.sent.toLocaleString('en-US')}, stored ${counts.stored.toLocaleString('en-US')}; burst alert ${(alertAfterMs / 1000).toFixed(1)} s after the kill; webhooks ${queued.length - missing}/${queued.length} delivered (${inFlight} in flight at the kill, ${receiver.deliveries()} deliveries in all)`,
    problems,
  };
}

/** 5. SIGTERM under load: stop accepting, finish in flight, exit 0; nothing acknowledged is lost. */
async function gracefulShutdown(cluster: Cluster): Promise<Outcome> {
  const w = await world(cluster, 'term');
  const problems: string[] = [];
  const stats = newIngestStats();
  let stop = false;
  // After the SIGTERM the clients give up quickly: nobody will take their batches until a server is back.
  let drainBy = Date.now() + 60_000;
  const clients = [0, 1, 2, 3].map((i) =>
    ingestClient(w.server.baseUrl, w.ingestKey, `c5_${i}`, stats, {
      batchSize: 500,
      stop: () => stop,
      drainBy: () => drainBy,
    }),
  );
  await sleep(6_000);
  const termAt = Date.now();
  const code = await w.server.terminate();
  const stoppedMs = Date.now() - termAt;
  stop = true;
  drainBy = Date.now() + 2_000;
  await Promise.all(clients);
  // serve.ts exits 0 only once requests in flight finished, the background loops stopped and the pool closed.
  if (code !== 0) problems.push(`the server exited with ${code}, not 0`);
  if (stats.acked.size === 0) problems.push('no batch was acknowledged before the SIGTERM');
  const stored = await storedChaosEvents(w);
  const lost = [...stats.acked].filter((id) => !stored.has(id)).length;
  if (lost > 0) problems.push(`${lost} events acknowledged with 200 are not stored`);
  await w.database.close();
  return {
    name: 'graceful shutdown',
    ok: problems.length === 0,
    figures: `exit ${code} in ${(stoppedMs / 1000).toFixed(1)} s; acknowledged ${stats.acked.size.toLocaleString('en-US')}, all stored: ${lost === 0}`,
    problems,
  };
}

/** 3. 200 concurrent connections posting batches and reading pages: refusals with Retry-After, bounded memory, no deadlock. */
async function overload(cluster: Cluster): Promise<Outcome> {
  const w = await world(cluster, 'overload');
  const problems: string[] = [];
  const stats = newIngestStats();
  const answers: Answer[] = [];
  let stop = false;
  const giveUp = () => Date.now() + 30_000;
  w.server.resetPeak();
  const posters = Array.from({ length: 100 }, (_, i) =>
    ingestClient(w.server.baseUrl, w.ingestKey, `c3_${i}`, stats, {
      batchSize: 500,
      stop: () => stop,
      drainBy: giveUp,
    }),
  );
  const key = { authorization: `Bearer ${w.readKey}` };
  const reading = Array.from({ length: 100 }, (_, i) =>
    i % 2 === 0
      ? reader(w.server.baseUrl, 'page', i % 4 === 0 ? '/' : '/alerts', { cookie: w.cookie }, answers, () => stop)
      : reader(w.server.baseUrl, 'security', `/api/v1/accounts/chaos_cus_${i}/security`, key, answers, () => stop),
  );
  await sleep(25_000);
  stop = true;
  await Promise.all([...posters, ...reading]);
  const all = [...answers, ...stats.answers];
  const bad = all.filter((a) => a.status >= 500 && a.status !== 503).length;
  if (bad > 0) problems.push(`${bad} answers were 5xx other than 503`);
  const refusedWithout = all.filter((a) => (a.status === 429 || a.status === 503) && !a.retryAfter).length;
  if (refusedWithout > 0) problems.push(`${refusedWithout} 429/503 answers without Retry-After`);
  const noAnswer = all.filter((a) => a.status === 0).length;
  if (noAnswer > 0) problems.push(`${noAnswer} requests got no answer (connection dropped or over 20–30 s)`);
  const peak = w.server.peakRssMb();
  if (peak > 300) problems.push(`peak RSS ${peak.toFixed(0)} MB is over 300 MB`);
  // No deadlock: right after the storm, one batch, one read and health answer promptly.
  const t = Date.now();
  const one = newIngestStats();
  const took = await postUntilTaken(w.server.baseUrl, w.ingestKey, makeBatch('c3_after', 10), one, Date.now() + 10_000);
  const read = await fetch(`${w.server.baseUrl}/api/v1/accounts/chaos_cus_1/security`, { headers: key });
  const afterMs = Date.now() - t;
  if (!took || read.status >= 500 || afterMs > 5_000)
    problems.push(`after the storm a batch and a read took ${afterMs} ms (taken: ${took}, read ${read.status})`);
  const counts = await compareStored(
    w,
    new Set([...stats.acked, ...one.acked]),
    new Set([...stats.acked, ...one.acked]),
    problems,
  );
  await w.server.terminate();
  await w.database.close();
  const ms = all.filter((a) => a.status !== 0).map((a) => a.ms);
  const byKind = (['ingest', 'page', 'security'] as const).map((what) => {
    const these = all.filter((a) => a.what === what);
    return `${what} ${statusSummary(these)} (p50 ${percentile(
      these.filter((a) => a.status !== 0).map((a) => a.ms),
      50,
    )} ms)`;
  });
  return {
    name: 'overload (200 connections)',
    ok: problems.length === 0,
    figures: `answers ${statusSummary(all)} [${byKind.join('; ')}]; p50 ${percentile(ms, 50)} ms, p99 ${percentile(ms, 99)} ms; peak RSS ${peak.toFixed(0)} MB; acknowledged ${counts.sent.toLocaleString('en-US')} events, all stored; after the storm ${afterMs} ms`,
    problems,
  };
}

/** 4. Slow, truncated and lying bodies, and 10,000 fuzzed requests across the public and API routes. */
async function brokenClients(cluster: Cluster): Promise<Outcome> {
  const w = await world(cluster, 'abuse', { VIGIL_PUBLIC_RATE_LIMIT: '100000', VIGIL_REPORT_LIMIT: '100000' });
  const problems: string[] = [];
  const port = Number(new URL(w.server.baseUrl).port);
  const auth = `Authorization: Bearer ${w.ingestKey}\r\n`;
  const batch = JSON.stringify({ events: makeBatch('c4_raw', 20) });
  const head = (length: number) =>
    `POST /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\n${auth}Content-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
  // Slowloris: one byte a second; the body is not done after 30 s (VIGIL_REQUEST_TIMEOUT_MS) and gets 408.
  const slow = Array.from({ length: 5 }, () =>
    rawRequest(
      port,
      head(batch.length),
      async (socket) => {
        for (let i = 0; i < 60 && !socket.destroyed; i++) {
          socket.write(batch[i]!);
          await sleep(1_000);
        }
      },
      45_000,
    ),
  );
  const rssBefore = w.server.currentRssMb();
  // 10,000 fuzzed requests meanwhile.
  // Memory flat: the second 5,000 may not grow the server much past where the first 5,000 left it (the first
  // half warms every route's code and the heap up to its working size).
  const requests = fuzzRequests(10_000, { ingest: w.ingestKey, read: w.readKey });
  const first = await sendAll(w.server.baseUrl, requests.slice(0, 5_000), 16);
  const rssHalf = w.server.currentRssMb();
  const second = await sendAll(w.server.baseUrl, requests.slice(5_000), 16);
  const fuzz = { answers: [...first.answers, ...second.answers], taken: new Set([...first.taken, ...second.taken]) };
  // A body cut short (the client goes away), and one that says it is shorter than it is.
  const truncated = await rawRequest(
    port,
    head(batch.length),
    async (socket) => {
      socket.end(batch.slice(0, 100));
      await sleep(0);
    },
    10_000,
  );
  const lying = await rawRequest(
    port,
    head(20),
    async (socket) => {
      socket.write(batch);
      await sleep(0);
    },
    10_000,
  );
  const slowAnswers = await Promise.all(slow);
  const rssAfter = w.server.currentRssMb();

  const server5xx = fuzz.answers.filter((a) => a.status >= 500 || a.status === 0);
  if (server5xx.length > 0)
    problems.push(
      `${server5xx.length} fuzzed requests got 5xx or no answer (${statusSummary(server5xx)}; first on ${server5xx[0]!.what})`,
    );
  const not408 = slowAnswers.filter((a) => a.status !== 408);
  if (not408.length > 0)
    problems.push(`slow bodies answered ${not408.map((a) => `${a.status} after ${a.ms} ms`).join(', ')}, not 408`);
  if (truncated.status >= 500) problems.push(`a truncated body got ${truncated.status}`);
  if (lying.status === 0 || lying.status >= 500)
    problems.push(`a body longer than its Content-Length got ${lying.status || 'no answer'}`);
  // Nothing stored from a rejected request: every stored fuzz event and report came from a request that got a 2xx.
  const storedEvents = await queryRows<{ id: string }>(
    w.db,
    sql`select event_id as id from otp_events where event_id like 'fz%' union all select event_id from login_events where event_id like 'c4_raw%'`,
  );
  const storedReports = await queryRows<{ email: string | null }>(
    w.db,
    sql`select email from fraud_reports where email like 'fz%'`,
  );
  const strays = [
    ...storedEvents.map((r) => r.id).filter((id) => !fuzz.taken.has(id)),
    ...storedReports.map((r) => (r.email ?? '').split('@')[0]!).filter((m) => !fuzz.taken.has(m)),
  ];
  if (strays.length > 0)
    problems.push(`${strays.length} rows stored from rejected requests (${strays.slice(0, 3).join(', ')})`);
  const growth = rssAfter - rssHalf;
  if (growth > 50) problems.push(`RSS grew by ${growth.toFixed(0)} MB over the second 5,000 fuzzed requests`);
  await w.server.terminate();
  await w.database.close();
  return {
    name: 'slow and broken clients',
    ok: problems.length === 0,
    figures: `10,000 fuzzed: ${statusSummary(fuzz.answers)}; ${fuzz.taken.size} taken, ${storedEvents.length + storedReports.length} rows stored; slow bodies ${slowAnswers.map((a) => `${a.status} at ${(a.ms / 1000).toFixed(0)} s`).join(', ')}; truncated ${truncated.status || 'closed'}, lying ${lying.status}; RSS ${rssBefore.toFixed(0)} → ${rssHalf.toFixed(0)} (5,000) → ${rssAfter.toFixed(0)} MB (10,000)`,
    problems,
  };
}

const scenarios: Record<string, (c: Cluster) => Promise<Outcome>> = {
  '1': databaseCrash,
  '2': serverKilled,
  '3': overload,
  '4': brokenClients,
  '5': gracefulShutdown,
};
/** What .ci/run runs on every submission (the fast ones); the full suite stays a command. */
const ciScenarios = ['1', '2', '5'];

async function main() {
  // The suite saves the webhook (lib/webhooks) itself: its receiver listens on this machine.
  process.env.VIGIL_ALLOW_PRIVATE_TARGETS = '127.0.0.1,::1,localhost';
  const args = process.argv.slice(2);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const chosen = only ? [only] : args.includes('--ci') ? ciScenarios : Object.keys(scenarios);
  ensureBuild();
  const cluster = createCluster(await freePgPort());
  const killer = setTimeout(() => {
    console.error('chaos: the 10-minute deadline passed; stopping');
    cluster.destroy();
    process.exit(1);
  }, deadline - Date.now());
  killer.unref();
  const outcomes: Outcome[] = [];
  try {
    for (const id of chosen) {
      const run = scenarios[id];
      if (!run) throw new Error(`no scenario ${id}`);
      let outcome: Outcome;
      try {
        outcome = await run(cluster);
      } catch (error) {
        outcome = { name: `scenario ${id}`, ok: false, figures: '', problems: [String(error)] };
      }
      // Whatever a scenario left running (it failed half-way) stops here.
      for (const server of started.splice(0)) if (server.running()) await server.kill();
      outcomes.push(outcome);
      console.log(`${outcome.ok ? 'PASS' : 'FAIL'} ${id}. ${outcome.name}: ${outcome.figures}`);
      for (const p of outcome.problems) console.log(`       ✘ ${p}`);
    }
  } finally {
    cluster.destroy();
  }
  const passed = outcomes.filter((o) => o.ok).length;
  console.log(`server logs: ${logDir}`);
  console.log(`chaos: ${passed} passed, ${outcomes.length - passed} failed`);
  process.exit(passed === outcomes.length ? 0 : 1);
}

void main();
