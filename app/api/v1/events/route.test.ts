import net from 'node:net';
import { count, eq, sql } from 'drizzle-orm';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openPostgres, type Db, type Tx } from '@/db/client';
import { accounts, auditLog, loginEvents, otpEvents, otpRollupHourly, seenEvents } from '@/db/schema';
import { loginEvent, systemActor, uniqueSuffix } from '@/lib/testing/fixtures';
import { makeApiKey } from '@/lib/testing/ingest-fixtures';
import { eventsRequest } from './events-request';
import { setupTestDatabase } from '@/db/testing/test-database';
import { revokeApiKey } from '@/lib/api-keys/revoke-api-key';
import { serviceContext } from '@/lib/context';
import { resetEnvForTests } from '@/lib/env';
import { setDatabaseForTests } from '@/lib/database';
import { POST } from './route';

const { db, database } = setupTestDatabase();
let key: string;
const noParams = { params: Promise.resolve({}) };
/** Calls the route as Next does, on this file's database (or `db`), with the ingest budget at `ratePerSecond`. */
async function post(request: Request, options: { ratePerSecond?: number; db?: () => Promise<Db> } = {}) {
  vi.stubEnv('VIGIL_INGEST_RATE_LIMIT', String(options.ratePerSecond ?? 100));
  resetEnvForTests();
  setDatabaseForTests(options.db ? await options.db() : db());
  return POST(request, noParams);
}
/** Runs `work` while another transaction, which took what `hold` takes, stays open; that one then rolls back. */
async function whileHolding<T>(hold: (tx: Tx) => Promise<unknown>, work: () => Promise<T>): Promise<T> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const blocker = db()
    .transaction(async (tx) => {
      await hold(tx);
      locked();
      await held;
      throw new Error('roll back the blocker');
    })
    .catch(() => undefined);
  await isLocked;
  try {
    return await work();
  } finally {
    release();
    await blocker;
  }
}
const seenCount = async () => (await db().select({ n: count() }).from(seenEvents))[0]!.n;
const logged: string[] = [];

beforeAll(async () => {
  key = (await makeApiKey(db())).key;
  for (const method of ['log', 'error', 'warn', 'info'] as const) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
  }
});
afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvForTests();
  // No log line ever contains a key, whatever the request did.
  expect(logged.filter((line) => line.includes('vgl_live_'))).toEqual([]);
});

describe('POST /api/v1/events', () => {
  it('stores a valid batch and answers with accepted and duplicates', async () => {
    const id = `cus_${uniqueSuffix()}`;
    const events = [loginEvent(id, new Date(Date.now() - 60_000)), loginEvent(id, new Date(Date.now() - 30_000))];
    const res = await post(eventsRequest({ events }, { key }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 2, duplicates: 0, expired: 0 });
    const replay = await post(eventsRequest({ events }, { key }));
    expect(await replay.json()).toEqual({ accepted: 0, duplicates: 2, expired: 0 });
    const [acc] = await db().select().from(accounts).where(eq(accounts.externalId, id));
    expect(await db().select({ n: count() }).from(loginEvents).where(eq(loginEvents.accountId, acc!.id))).toEqual([
      { n: 2 },
    ]);
  });

  it('401 without a key, with an unknown key, or with a key outside the Authorization header', async () => {
    const body = { events: [loginEvent('cus_x', new Date())] };
    for (const request of [
      eventsRequest(body),
      eventsRequest(body, { key: 'vgl_live_not-a-real-key' }),
      eventsRequest(body, { headers: { 'x-api-key': key } }),
      eventsRequest(body, { url: `http://localhost/api/v1/events?api_key=${key}` }),
      eventsRequest(body, { key, url: `http://localhost/api/v1/events?token=${key}` }),
      eventsRequest(body, { headers: { authorization: `Basic ${key}` } }),
    ]) {
      const res = await post(request);
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain(key);
    }
  });

  it('refuses a revoked key on its very next request', async () => {
    const created = await makeApiKey(db());
    const body = { events: [loginEvent(`cus_${uniqueSuffix()}`, new Date())] };
    expect((await post(eventsRequest(body, { key: created.key }))).status).toBe(200);
    await revokeApiKey(serviceContext(db(), systemActor), { apiKeyId: created.id });
    expect((await post(eventsRequest(body, { key: created.key }))).status).toBe(401);
    const audit = await db().select().from(auditLog).where(eq(auditLog.targetId, created.id));
    expect(audit.map((a) => a.action).sort()).toEqual(['api_key.create', 'api_key.revoke']);
    expect(JSON.stringify(audit)).not.toContain(created.key);
  });

  it('403 for a key without events:write', async () => {
    const reader = await makeApiKey(db(), ['metrics:read']);
    const res = await post(eventsRequest({ events: [loginEvent('cus_x', new Date())] }, { key: reader.key }));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: 'forbidden' });
  });

  it('415 for another content type, 413 for too many events or too many bytes, 400 for malformed JSON', async () => {
    const one = { events: [loginEvent('cus_x', new Date())] };
    expect((await post(eventsRequest(one, { key, contentType: 'text/plain' }))).status).toBe(415);
    expect((await post(eventsRequest(one, { key, contentType: 'application/x-www-form-urlencoded' }))).status).toBe(
      415,
    );
    expect((await post(eventsRequest(one, { key, contentType: 'application/json; charset=utf-8' }))).status).toBe(200);
    const many = { events: Array.from({ length: 1001 }, (_, i) => loginEvent(`cus_${i}`, new Date())) };
    expect((await post(eventsRequest(many, { key }))).status).toBe(413);
    const big = {
      events: [loginEvent('cus_x', new Date(), { context: { userAgent: 'x'.repeat(512) } })],
      padding: 'x'.repeat(1024 * 1024),
    };
    expect((await post(eventsRequest(big, { key }))).status).toBe(413);
    const bad = await post(eventsRequest('{"events": [', { key }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'invalid_json' });
  });

  it('checks in the documented order: key, rate, content type, size, JSON', async () => {
    expect((await post(eventsRequest('not json', { contentType: 'text/plain' }))).status).toBe(401);
    const limited = await makeApiKey(db());
    expect(
      (await post(eventsRequest('not json', { key: limited.key, contentType: 'text/plain' }), { ratePerSecond: 1 }))
        .status,
    ).toBe(415);
    const tooBig = eventsRequest('x'.repeat(1024 * 1024 + 10), { key, contentType: 'text/plain' });
    expect((await post(tooBig)).status).toBe(415);
    expect((await post(eventsRequest('x'.repeat(1024 * 1024 + 10), { key }))).status).toBe(413);
  });

  it('400 names each invalid event by index and path, and stores nothing of the batch', async () => {
    const id = `cus_${uniqueSuffix()}`;
    const events: unknown[] = [0, 1, 2, 3].map((i) => loginEvent(id, new Date(Date.now() - i * 1000)));
    (events[3] as { context: { country: string } }).context.country = 'United Kingdom';
    events[1] = { ...(events[1] as object), type: 'login.exploded' };
    const before = await seenCount();
    const res = await post(eventsRequest({ events }, { key }));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { error: string; details: { index: number; path: string }[] };
    expect(body.error).toBe('invalid_events');
    expect(body.details).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ index: 3, path: 'events.3.context.country' }),
        expect.objectContaining({ index: 1, path: 'events.1.type' }),
      ]),
    );
    expect(await seenCount()).toBe(before);
    expect(await db().select().from(accounts).where(eq(accounts.externalId, id))).toHaveLength(0);
  });

  it('rejects events more than 5 minutes in the future and a contact change without the new value', async () => {
    const res = await post(
      eventsRequest(
        {
          events: [
            loginEvent('cus_f', new Date(Date.now() + 10 * 60_000)),
            {
              id: `c_${uniqueSuffix()}`,
              type: 'account.contact_changed',
              field: 'phone',
              occurredAt: new Date().toISOString(),
              account: { id: 'cus_f' },
            },
          ],
        },
        { key },
      ),
    );
    expect(res.status).toBe(400);
    const { details } = (await res.json()) as { details: { path: string }[] };
    expect(details.map((d) => d.path)).toEqual(['events.0.occurredAt', 'events.1.account']);
  });

  it('429 with Retry-After over the per-key rate, counted atomically across parallel requests', async () => {
    const limited = await makeApiKey(db());
    const body = { events: [loginEvent(`cus_${uniqueSuffix()}`, new Date())] };
    const results = await Promise.all(
      Array.from({ length: 30 }, () => post(eventsRequest(body, { key: limited.key }), { ratePerSecond: 5 })),
    );
    const statuses = results.map((r) => r.status);
    const ok = statuses.filter((s) => s === 200).length;
    // Requests may straddle two one-second windows, so at most 2 × 5 get through.
    expect(ok).toBeGreaterThanOrEqual(1);
    expect(ok).toBeLessThanOrEqual(10);
    const refused = results.find((r) => r.status === 429)!;
    expect(refused.headers.get('retry-after')).toBe('1');
  });

  it('503 overloaded with Retry-After beyond VIGIL_INGEST_MAX_IN_FLIGHT batches at once; a slow body holds no place', async () => {
    vi.stubEnv('VIGIL_INGEST_MAX_IN_FLIGHT', '1');
    const batch = () => ({ events: [loginEvent(`cus_${uniqueSuffix()}`, new Date())] });
    // A batch whose body is still arriving does not hold the only place: another goes through meanwhile.
    let finishBody!: () => void;
    const slowBody = new ReadableStream<Uint8Array>({
      async start(controller) {
        await new Promise<void>((resolve) => (finishBody = resolve));
        controller.enqueue(new TextEncoder().encode(JSON.stringify(batch())));
        controller.close();
      },
    });
    const slow = post(
      new Request('http://localhost/api/v1/events', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: slowBody,
        duplex: 'half',
      } as RequestInit),
    );
    await new Promise((r) => setTimeout(r, 200));
    expect((await POST(eventsRequest(batch(), { key }), noParams)).status).toBe(200);
    finishBody();
    expect((await slow).status).toBe(200);

    // A batch being stored holds it (its transaction waits here): the next is refused at once, and stores nothing.
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const waiting = new Promise<void>((resolve) => (entered = resolve));
    const held = new Proxy(db(), {
      get(target, property, receiver) {
        if (property === 'transaction')
          return async (...args: unknown[]) => {
            entered();
            await gate;
            return (target.transaction as (...a: unknown[]) => Promise<unknown>)(...args);
          };
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    setDatabaseForTests(held);
    const storing = POST(eventsRequest(batch(), { key }), noParams);
    await waiting;
    const refusedBatch = batch();
    const refused = await POST(eventsRequest(refusedBatch, { key }), noParams);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toMatchObject({ error: 'overloaded' });
    // Refused before its body is read: a body that never ends gets the same answer, and not a byte of it is pulled.
    let pulled = false;
    const endless = new ReadableStream<Uint8Array>(
      {
        pull: () => {
          pulled = true;
          return new Promise<void>(() => {});
        },
      },
      { highWaterMark: 0 },
    );
    const unread = await POST(
      new Request('http://localhost/api/v1/events', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: endless,
        duplex: 'half',
      } as RequestInit),
      noParams,
    );
    expect(unread.status).toBe(503);
    expect(pulled).toBe(false);
    release();
    expect((await storing).status).toBe(200);
    setDatabaseForTests(db());
    const stored = await db()
      .select({ n: count() })
      .from(loginEvents)
      .where(eq(loginEvents.eventId, refusedBatch.events[0]!.id));
    expect(stored[0]!.n).toBe(0);
    expect((await POST(eventsRequest(batch(), { key }), noParams)).status).toBe(200);
  });

  it('503 with Retry-After when the month’s partition cannot be made in time (a lock held on the table); then 200', async (t) => {
    // Needs two connections: the server only (CI), not the embedded engine.
    if (database().kind !== 'postgres') return t.skip();
    const event = loginEvent(`cus_${uniqueSuffix()}`, new Date('2011-03-03T03:00:00Z'));
    const seen = await seenCount();
    const refused = await whileHolding(
      (tx) => tx.execute(sql`lock table login_events in share update exclusive mode`),
      () => post(eventsRequest({ events: [event] }, { key })),
    );
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const body = (await refused.json()) as { error: string; requestId: string };
    expect(body.error).toBe('unavailable');
    expect(body.requestId).toMatch(/\S/);
    expect(await seenCount()).toBe(seen);
    const again = await post(eventsRequest({ events: [event] }, { key }));
    expect(await again.json()).toEqual({ accepted: 1, duplicates: 0, expired: 0 });
  });

  it('503 with Retry-After, not 500, when the batch waits on a lock past its statement timeout; nothing stored', async (t) => {
    if (database().kind !== 'postgres') return t.skip();
    const event = loginEvent(`cus_${uniqueSuffix()}`, new Date());
    // Another transaction claims the same event id and holds the row lock for longer than the batch may wait.
    const refused = await whileHolding(
      (tx) => tx.insert(seenEvents).values({ eventId: event.id }),
      () => post(eventsRequest({ events: [event] }, { key })),
    );
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await db().select({ n: count() }).from(loginEvents).where(eq(loginEvents.eventId, event.id))).toEqual([
      { n: 0 },
    ]);
  });

  it('503 with Retry-After, within 5 s, when the database is down', async () => {
    const down = openPostgres('postgres://vigil@127.0.0.1:1/none');
    const started = Date.now();
    const res = await post(eventsRequest({ events: [loginEvent('cus_x', new Date())] }, { key }), {
      db: () => Promise.resolve(down.db),
    });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(Date.now() - started).toBeLessThan(5000);
    await down.close();
  });

  it('turns what PostgreSQL cannot store into a 400 naming the field, never a 500', async () => {
    const base = loginEvent(`cus_${uniqueSuffix()}`, new Date());
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, context: { userAgent: 'bad\u0000agent' } }, 'events.0.context.userAgent'],
      [{ ...base, context: { deviceId: 'broken \ud800 text' } }, 'events.0.context.deviceId'],
      [{ ...base, id: 'nul\u0000id' }, 'events.0.id'],
      [{ ...base, occurredAt: '0000-01-01T00:00:00Z' }, 'events.0.occurredAt'],
    ];
    for (const [event, path] of cases) {
      const res = await post(eventsRequest({ events: [event] }, { key }));
      expect(res.status).toBe(400);
      expect(((await res.json()) as { details: { path: string }[] }).details.map((d) => d.path)).toContain(path);
    }
    // Offsets PostgreSQL would refuse (+16:00 and beyond) are valid RFC 3339: stored as UTC.
    const farEast = { ...loginEvent(`cus_${uniqueSuffix()}`, new Date()), occurredAt: '2026-01-01T20:00:00+23:30' };
    expect((await post(eventsRequest({ events: [farEast] }, { key }))).status).toBe(200);
  });

  it('stores sub-millisecond times in the same hour the rollups count them in', async () => {
    const id = `cus_${uniqueSuffix()}`;
    const event = {
      id: `sub_${id}`,
      type: 'otp.issued',
      occurredAt: '2026-03-03T00:59:59.9999999Z',
      account: { id },
      context: { country: 'FJ' },
      otpId: 'o',
      channel: 'sms',
      purpose: 'login',
    };
    expect((await post(eventsRequest({ events: [event] }, { key }))).status).toBe(200);
    const [rollup] = await db().select().from(otpRollupHourly).where(eq(otpRollupHourly.country, 'FJ'));
    const [acc] = await db().select().from(accounts).where(eq(accounts.externalId, id));
    const raw = await db().select().from(otpEvents).where(eq(otpEvents.accountId, acc!.id));
    expect(rollup!.hour.toISOString()).toBe('2026-03-03T00:00:00.000Z');
    expect(raw[0]!.occurredAt.toISOString()).toBe('2026-03-03T00:59:59.999Z');
  });

  it('503 within 5 s for the whole request when the database hangs', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const hanging = openPostgres(`postgres://vigil@127.0.0.1:${(silent.address() as net.AddressInfo).port}/none`);
    const started = Date.now();
    const res = await post(eventsRequest({ events: [loginEvent('cus_x', new Date())] }, { key }), {
      db: () => Promise.resolve(hanging.db),
    });
    expect(res.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(5000);
    void hanging.close();
    silent.close();
  });

  it('counts a delivered OTP batch into the hourly rollups once, however often it is replayed', async () => {
    const id = `cus_${uniqueSuffix()}`;
    const hour = new Date(Math.floor((Date.now() - 2 * 3_600_000) / 3_600_000) * 3_600_000);
    const country = 'IS';
    const events = [0, 1, 2].map((i) => ({
      id: `o_${id}_${i}`,
      type: 'otp.issued',
      occurredAt: new Date(hour.getTime() + i * 60_000).toISOString(),
      account: { id },
      context: { country },
      otpId: `otp_${i}`,
      channel: 'voice',
      purpose: 'delivery',
    }));
    for (let i = 0; i < 3; i++) expect((await post(eventsRequest({ events }, { key }))).status).toBe(200);
    const rows = await db().select().from(otpRollupHourly).where(eq(otpRollupHourly.country, country));
    expect(rows.map(({ shard: _shard, ...r }) => r)).toEqual([
      { hour, channel: 'voice', purpose: 'delivery', country, kind: 'issued', reason: '', count: 3 },
    ]);
  });
});

describe('as Next calls a route without dynamic segments', () => {
  it('answers when the route context carries no params at all', async () => {
    setDatabaseForTests(db());
    const res = await POST(eventsRequest({ events: [loginEvent('cus_x', new Date())] }, { key }), {
      params: undefined,
    } as unknown as { params: Promise<Record<string, never>> });
    expect(res.status).toBe(200);
  });
});
