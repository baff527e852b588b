import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPostgres } from '@/db/client';
import { setupTestDatabase } from '@/db/testing/test-database';
import { markLoopbackPeer } from '@/app/_adapters/loopback-peer';
import { Admission, withPageAdmission } from '@/app/_adapters/page-admission';
import { eventsRequest } from '@/app/api/v1/events/events-request';
import { POST as postEvents } from '@/app/api/v1/events/route';
import { setDatabaseForTests } from '@/lib/database';
import { resetEnvForTests } from '@/lib/env';
import { loginEvent, uniqueSuffix } from '@/lib/testing/fixtures';
import { makeApiKey } from '@/lib/testing/ingest-fixtures';
import { parseExposition, sampleValue, type Family } from './exposition-format';
import { GET } from './route';

const { db } = setupTestDatabase();
const token = 'metrics-token-for-the-tests-0123456789';
let key: string;

beforeAll(async () => {
  key = (await makeApiKey(db())).key;
});
afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvForTests();
});

function setMetricsToken(value: string) {
  vi.stubEnv('VIGIL_METRICS_TOKEN', value);
  resetEnvForTests();
}

function metricsRequest(headers: Record<string, string> = {}) {
  return new Request('http://localhost/metrics', { headers });
}

/** A scrape with the token, parsed strictly (it throws on any line outside the format). */
async function scrape(): Promise<Map<string, Family>> {
  setMetricsToken(token);
  setDatabaseForTests(db());
  const res = await GET(metricsRequest({ authorization: `Bearer ${token}` }));
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
  return parseExposition(await res.text());
}

async function post(body: unknown) {
  vi.stubEnv('VIGIL_INGEST_RATE_LIMIT', '1000');
  resetEnvForTests();
  setDatabaseForTests(db());
  return postEvents(eventsRequest(body, { key }), { params: Promise.resolve({}) });
}

describe('GET /metrics', () => {
  it('is Prometheus text format with the series operators alert on, and process memory', async () => {
    await post({ events: [loginEvent(`cus_${uniqueSuffix()}`, new Date())] });
    const families = await scrape();
    for (const [name, type] of [
      ['vigil_ingest_batches_total', 'counter'],
      ['vigil_ingest_events_total', 'counter'],
      ['vigil_ingest_batch_duration_seconds', 'histogram'],
      ['vigil_http_requests_total', 'counter'],
      ['vigil_database_up', 'gauge'],
      ['vigil_detection_backlog_rows', 'gauge'],
      ['vigil_detection_backlog_oldest_age_seconds', 'gauge'],
      ['vigil_outbox_pending_rows', 'gauge'],
      ['vigil_outbox_oldest_pending_age_seconds', 'gauge'],
      ['process_resident_memory_bytes', 'gauge'],
      ['nodejs_heap_size_used_bytes', 'gauge'],
    ] as const) {
      expect(families.get(name), name).toMatchObject({ type });
      expect(families.get(name)!.help, name).not.toBe('');
    }
    expect(sampleValue(families, 'vigil_database_up')).toBe(1);
  });

  it('counts batches, events, latency and HTTP answers as traffic flows', async () => {
    const before = await scrape();
    const events = [1, 2, 3].map(() => loginEvent(`cus_${uniqueSuffix()}`, new Date(Date.now() - 1000)));
    expect((await post({ events })).status).toBe(200);
    expect((await post({ events })).status).toBe(200); // the same events again: duplicates
    expect((await post({ events: [{ type: 'login.nonsense' }] })).status).toBe(400);
    const after = await scrape();

    const moved = (name: string, labels: Record<string, string> = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    expect(moved('vigil_ingest_batches_total', { outcome: 'stored' })).toBe(2);
    expect(moved('vigil_ingest_batches_total', { outcome: 'rejected' })).toBe(1);
    expect(moved('vigil_ingest_events_total', { outcome: 'accepted' })).toBe(3);
    expect(moved('vigil_ingest_events_total', { outcome: 'duplicate' })).toBe(3);
    expect(moved('vigil_ingest_batch_duration_seconds_count', { outcome: 'stored' })).toBe(2);
    expect(moved('vigil_ingest_batch_duration_seconds_bucket', { outcome: 'stored', le: '+Inf' })).toBe(2);
    const events200 = { route: '/api/v1/events', method: 'POST', status: '200' };
    expect(moved('vigil_http_requests_total', events200)).toBe(2);
    expect(moved('vigil_http_requests_total', { ...events200, status: '400' })).toBe(1);
  });

  it('counts pages admitted and refused by the page admission', async () => {
    const admission = new Admission({ maxInFlight: 1, maxQueued: 0, maxWaitMs: 0 });
    const server = http.createServer(
      (req, res) =>
        void withPageAdmission((_req, response) => setTimeout(() => response.end('page'), 300), admission)(req, res),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const before = await scrape();
      const rendering = fetch(`${base}/alerts`);
      while (admission.load().running === 0) await new Promise((r) => setTimeout(r, 5));
      expect((await fetch(`${base}/accounts`)).status).toBe(503);
      expect((await rendering).status).toBe(200);
      const after = await scrape();
      const moved = (outcome: string) =>
        sampleValue(after, 'vigil_page_admissions_total', { outcome }) -
        sampleValue(before, 'vigil_page_admissions_total', { outcome });
      expect(after.get('vigil_page_admissions_total')).toMatchObject({ type: 'counter' });
      expect(moved('admitted')).toBe(1);
      expect(moved('refused')).toBe(1);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('reports the depth and the age of the oldest item of the detection backlog and the outbox', async () => {
    await db().execute(
      sql`insert into detection_backlog (work, lease_until, created_at) values ('{}', now() + interval '1 hour', now() - interval '600 seconds')`,
    );
    await db().execute(
      sql`insert into outbox (kind, topic, payload, created_at) values ('webhook', 'test.metrics', '{}', now() - interval '900 seconds')`,
    );
    const families = await scrape();
    expect(sampleValue(families, 'vigil_detection_backlog_rows')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(families, 'vigil_detection_backlog_oldest_age_seconds')).toBeGreaterThanOrEqual(600);
    expect(sampleValue(families, 'vigil_outbox_pending_rows')).toBeGreaterThanOrEqual(1);
    expect(sampleValue(families, 'vigil_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(900);
    const webhook = { destination: 'webhook' };
    expect(sampleValue(families, 'vigil_outbox_destination_pending_rows', webhook)).toBeGreaterThanOrEqual(1);
    expect(
      sampleValue(families, 'vigil_outbox_destination_oldest_pending_age_seconds', webhook),
    ).toBeGreaterThanOrEqual(900);
    expect(sampleValue(families, 'vigil_outbox_destination_pending_rows', { destination: 'channel' })).toBe(0);
  });

  it('counts the notification channels that are failing', async () => {
    await db().execute(
      sql`insert into notification_channels (type, target, created_by, failing_since) values ('slack', 'https://hooks.example.com/x', 'test', now())`,
    );
    expect(sampleValue(await scrape(), 'vigil_notification_channels_failing')).toBe(1);
  });

  it('still answers while the database is down, and says so', async () => {
    const unreachable = openPostgres('postgres://vigil@127.0.0.1:1/none');
    setMetricsToken(token);
    setDatabaseForTests(unreachable.db);
    const res = await GET(metricsRequest({ authorization: `Bearer ${token}` }));
    expect(res.status).toBe(200);
    const families = parseExposition(await res.text());
    expect(sampleValue(families, 'vigil_database_up')).toBe(0);
    expect(sampleValue(families, 'vigil_outbox_pending_rows')).toBeNaN();
    await unreachable.close();
  });

  it('with VIGIL_METRICS_TOKEN set, requires it as a bearer token (401 otherwise), even from this machine', async () => {
    setMetricsToken(token);
    setDatabaseForTests(db());
    const loopback: Record<string, string> = {};
    markLoopbackPeer(loopback, '127.0.0.1');
    expect(Object.keys(loopback)).toEqual(['x-vigil-loopback-peer']);
    for (const headers of [
      {},
      loopback,
      { authorization: 'Bearer wrong-token-wrong-token-wrong' },
      { authorization: `Basic ${token}` },
      { authorization: `Bearer ${token}x` },
    ]) {
      const res = await GET(metricsRequest(headers));
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.text()).not.toContain('vigil_');
    }
    expect((await GET(metricsRequest({ authorization: `Bearer ${token}` }))).status).toBe(200);
  });

  it('without a token, answers only requests scripts/http-server.ts marked as from a loopback peer', async () => {
    setMetricsToken('');
    setDatabaseForTests(db());
    expect((await GET(metricsRequest())).status).toBe(403);
    expect((await GET(metricsRequest({ 'x-vigil-loopback-peer': 'forged' }))).status).toBe(403);
    expect((await GET(metricsRequest({ authorization: `Bearer ${token}` }))).status).toBe(403);

    const fromProxy: Record<string, string> = { 'x-forwarded-for': '203.0.113.7' };
    markLoopbackPeer(fromProxy, '127.0.0.1');
    const remote: Record<string, string> = { 'x-vigil-loopback-peer': 'forged' };
    markLoopbackPeer(remote, '203.0.113.9');
    expect(remote).toEqual({}); // a client's copy is stripped
    expect((await GET(metricsRequest(fromProxy))).status).toBe(403);

    const local: Record<string, string> = {};
    markLoopbackPeer(local, '::ffff:127.0.0.1');
    expect((await GET(metricsRequest(local))).status).toBe(200);
  });

  it('is let through the console proxy without the sign-in redirect; pages are not', async () => {
    // Next's matcher helper reads the request store, which needs AsyncLocalStorage as a global, as in Next.
    (globalThis as { AsyncLocalStorage?: unknown }).AsyncLocalStorage ??= AsyncLocalStorage;
    const { unstable_doesMiddlewareMatch } = await import('next/experimental/testing/server');
    const { config } = await import('@/proxy');
    expect(unstable_doesMiddlewareMatch({ config, url: '/metrics' })).toBe(false);
    for (const url of ['/metrics/other', '/metricsx', '/accounts', '/'])
      expect(unstable_doesMiddlewareMatch({ config, url }), url).toBe(true);
  });
});
