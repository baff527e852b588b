import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asc, eq, sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outbox, settings, webhookDeliveries } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import { deliverDue, retryDelaySeconds, type NoticeProvider } from './deliver';
import { webhookSettingsKey } from './enqueue';
import { verifyWebhookSignature } from './signature';

const { db } = setupTestDatabase();
const secret = 'whsec_deliver_test';

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
}

/** A real HTTP receiver on 127.0.0.1; `answer` decides each response's status from the request body. */
async function startReceiver(answer: (body: string, index: number) => number | 'hang' = () => 200) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const status = answer(body, received.length);
      if (status === 'hang') return;
      received.push({ headers: req.headers, body, status });
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  receivers.push(close);
  return { url: `http://127.0.0.1:${port}/hooks/vigil`, received, close };
}
let receivers: (() => Promise<void>)[] = [];

async function configureWebhook(url: string, enabled = true) {
  const value = { url, secret, enabled };
  await db()
    .insert(settings)
    .values({ key: webhookSettingsKey, value })
    .onConflictDoUpdate({ target: settings.key, set: { value } });
}

async function queue(kind: 'webhook' | 'notice', accountId: string, payload: Record<string, unknown>): Promise<number> {
  const [row] = await db()
    .insert(outbox)
    .values({ kind, accountId, topic: kind === 'webhook' ? 'account.security_changed' : 'account.lock', payload })
    .returning({ id: outbox.id });
  return row!.id;
}

const webhookPayload = (account: string, n: number) => ({
  type: 'account.security_changed',
  accountId: account,
  action: 'account.lock',
  n,
  state: { status: 'locked' },
});
const rowOf = async (id: number) => (await db().select().from(outbox).where(eq(outbox.id, id)))[0]!;
const logOf = (id: number) =>
  db().select().from(webhookDeliveries).where(eq(webhookDeliveries.outboxId, id)).orderBy(asc(webhookDeliveries.id));
const later = (base: Date, seconds: number) => new Date(base.getTime() + seconds * 1000);
const parsed = (r: Received) => JSON.parse(r.body) as { accountId: string; n: number };

beforeEach(async () => {
  await db()
    .delete(outbox)
    .where(sql`true`);
  await db()
    .delete(webhookDeliveries)
    .where(sql`true`);
  await db().delete(settings).where(eq(settings.key, webhookSettingsKey));
});

afterEach(async () => {
  await Promise.all(receivers.map((close) => close()));
  receivers = [];
});

describe('retry delay', () => {
  it('doubles from 2 s and stops growing at one hour', () => {
    expect([1, 2, 3, 4, 10, 11, 12, 20].map(retryDelaySeconds)).toEqual([2, 4, 8, 16, 1024, 2048, 3600, 3600]);
  });
});

describe('webhook delivery', () => {
  it('retries a failing receiver after the backoff, logs every attempt, and signs what the receiver verifies', async () => {
    const receiver = await startReceiver((_body, i) => [503, 500][i] ?? 200);
    await configureWebhook(receiver.url);
    const payload = webhookPayload('acc_retry', 1);
    const id = await queue('webhook', randomUUID(), payload);
    const t0 = later(new Date(), 1);

    expect(await deliverDue(db(), { now: t0 })).toEqual({ claimed: 1, delivered: 0, retrying: 1, failed: 0 });
    expect(await rowOf(id)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'HTTP 503',
      nextAttemptAt: later(t0, 2),
      deliveredAt: null,
    });

    // Not due yet: the receiver hears nothing.
    expect((await deliverDue(db(), { now: later(t0, 1) })).claimed).toBe(0);
    expect(receiver.received).toHaveLength(1);

    expect(await deliverDue(db(), { now: later(t0, 2) })).toMatchObject({ claimed: 1, retrying: 1 });
    expect(await rowOf(id)).toMatchObject({
      status: 'pending',
      attempts: 2,
      lastError: 'HTTP 500',
      nextAttemptAt: later(t0, 2 + 4),
    });
    expect((await deliverDue(db(), { now: later(t0, 5) })).claimed).toBe(0);

    expect(await deliverDue(db(), { now: later(t0, 6) })).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await rowOf(id)).toMatchObject({
      status: 'delivered',
      attempts: 3,
      lastError: null,
      deliveredAt: later(t0, 6),
    });
    expect(await deliverDue(db(), { now: later(t0, 60) })).toMatchObject({ claimed: 0 });

    const log = await logOf(id);
    expect(log.map((l) => [l.statusCode, l.error, l.url])).toEqual([
      [503, 'HTTP 503', receiver.url],
      [500, 'HTTP 500', receiver.url],
      [200, null, receiver.url],
    ]);
    expect(log.map((l) => l.attemptedAt)).toEqual([t0, later(t0, 2), later(t0, 6)]);
    expect(log.every((l) => l.durationMs >= 0)).toBe(true);

    expect(receiver.received).toHaveLength(3);
    for (const [i, r] of receiver.received.entries()) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['vigil-event-id']).toBe(String(id));
      expect(JSON.parse(r.body)).toEqual(payload);
      const sentAt = [t0, later(t0, 2), later(t0, 6)][i]!;
      expect(verifyWebhookSignature(secret, r.body, r.headers['vigil-signature'] as string, { now: sentAt })).toEqual({
        valid: true,
        timestamp: Math.floor(sentAt.getTime() / 1000),
      });
      expect(
        verifyWebhookSignature('whsec_wrong', r.body, r.headers['vigil-signature'] as string, { now: sentAt }).valid,
      ).toBe(false);
    }
  });

  it('keeps order per account: a later event waits for the earlier one, other accounts go ahead', async () => {
    const a = randomUUID();
    const b = randomUUID();
    let aFailures = 0;
    const receiver = await startReceiver((body) => {
      const { accountId, n } = JSON.parse(body) as { accountId: string; n: number };
      if (accountId === 'A' && n === 1 && aFailures < 1) {
        aFailures += 1;
        return 503;
      }
      return 200;
    });
    await configureWebhook(receiver.url);
    const a1 = await queue('webhook', a, webhookPayload('A', 1));
    const a2 = await queue('webhook', a, webhookPayload('A', 2));
    const b1 = await queue('webhook', b, webhookPayload('B', 1));
    const aNotice = await queue('notice', a, {
      channel: 'email',
      to: 'a@example.com',
      text: 'Your account was locked.',
      accountId: 'A',
    });
    const t0 = later(new Date(), 1);

    // A's first event fails; B's and A's notice (another kind) are not held up; A's second is not even tried.
    expect(await deliverDue(db(), { now: t0 })).toMatchObject({ claimed: 3, delivered: 2, retrying: 1 });
    expect(
      receiver.received
        .map(parsed)
        .map((p) => `${p.accountId}${p.n}`)
        .sort(),
    ).toEqual(['A1', 'B1']);
    expect((await rowOf(b1)).status).toBe('delivered');
    expect((await rowOf(aNotice)).status).toBe('delivered');
    expect(await rowOf(a2)).toMatchObject({ status: 'pending', attempts: 0 });

    // Even long after a2 became due, it waits while a1 is pending.
    expect((await deliverDue(db(), { now: later(t0, 1) })).claimed).toBe(0);
    expect(await rowOf(a2)).toMatchObject({ status: 'pending', attempts: 0 });

    // a1 goes out on its retry; a2 only in the pass after.
    expect(await deliverDue(db(), { now: later(t0, 2) })).toMatchObject({ claimed: 1, delivered: 1 });
    expect((await rowOf(a1)).status).toBe('delivered');
    expect((await rowOf(a2)).status).toBe('pending');
    expect(await deliverDue(db(), { now: later(t0, 2) })).toMatchObject({ claimed: 1, delivered: 1 });
    expect((await rowOf(a2)).status).toBe('delivered');

    const aDeliveries = receiver.received
      .filter((r) => r.status === 200 && parsed(r).accountId === 'A')
      .map((r) => parsed(r).n);
    expect(aDeliveries).toEqual([1, 2]);
  });

  it('loses nothing while the receiver is down, and delivers once it is back', async () => {
    const down = await startReceiver();
    await down.close(); // nothing listens on this port any more
    await configureWebhook(down.url);
    const id = await queue('webhook', randomUUID(), webhookPayload('acc_down', 1));
    const t0 = later(new Date(), 1);

    expect(await deliverDue(db(), { now: t0 })).toMatchObject({ claimed: 1, retrying: 1 });
    const row = await rowOf(id);
    expect(row).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: later(t0, 2) });
    expect(row.lastError).toContain('ECONNREFUSED');
    const [attempt] = await logOf(id);
    expect(attempt).toMatchObject({ statusCode: null, url: down.url });
    expect(attempt!.error).toContain('ECONNREFUSED');

    const up = await startReceiver();
    await configureWebhook(up.url);
    expect(await deliverDue(db(), { now: later(t0, 2) })).toMatchObject({ delivered: 1 });
    expect(up.received.map(parsed)).toEqual([expect.objectContaining({ accountId: 'acc_down', n: 1 })]);
  });

  it('gives up a receiver that does not answer in time', async () => {
    const receiver = await startReceiver(() => 'hang');
    await configureWebhook(receiver.url);
    const id = await queue('webhook', randomUUID(), webhookPayload('acc_slow', 1));
    const t0 = later(new Date(), 1);
    expect(await deliverDue(db(), { now: t0, timeoutMs: 200 })).toMatchObject({ retrying: 1 });
    expect(await rowOf(id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'timed out after 200 ms' });
    const [attempt] = await logOf(id);
    expect(attempt!.durationMs).toBeGreaterThanOrEqual(150);
  });

  it('treats a redirect as a failed delivery, not as success', async () => {
    const receiver = await startReceiver(() => 302);
    await configureWebhook(receiver.url);
    const id = await queue('webhook', randomUUID(), webhookPayload('acc_redirect', 1));
    await deliverDue(db(), { now: later(new Date(), 1) });
    expect(await rowOf(id)).toMatchObject({ status: 'pending', lastError: 'HTTP 302' });
  });

  it('marks an event failed after the last attempt, says so in the log, and lets the account’s next event go', async () => {
    const receiver = await startReceiver((body) => ((JSON.parse(body) as { n: number }).n === 1 ? 500 : 200));
    await configureWebhook(receiver.url);
    const account = randomUUID();
    const first = await queue('webhook', account, webhookPayload('acc_give_up', 1));
    const second = await queue('webhook', account, webhookPayload('acc_give_up', 2));
    let now = later(new Date(), 1);
    for (let i = 0; i < 3; i++) {
      expect((await rowOf(second)).attempts).toBe(0); // held back while the first is still being tried
      await deliverDue(db(), { now, maxAttempts: 3 });
      now = later(now, 3600);
    }
    expect(await rowOf(first)).toMatchObject({
      status: 'failed',
      attempts: 3,
      lastError: 'HTTP 500; gave up after 3 attempts',
    });
    expect((await logOf(first)).map((l) => l.error)).toEqual([
      'HTTP 500',
      'HTTP 500',
      'HTTP 500; gave up after 3 attempts',
    ]);
    expect(await deliverDue(db(), { now, maxAttempts: 3 })).toMatchObject({ claimed: 1, delivered: 1 });
    expect((await rowOf(second)).status).toBe('delivered');
  });

  it('holds webhook events while no webhook is configured or it is disabled, then delivers them', async () => {
    const receiver = await startReceiver();
    const id = await queue('webhook', randomUUID(), webhookPayload('acc_held', 1));
    const before = await rowOf(id);
    const t0 = later(new Date(), 1);
    expect((await deliverDue(db(), { now: t0 })).claimed).toBe(0);
    await configureWebhook(receiver.url, false);
    expect((await deliverDue(db(), { now: later(t0, 10) })).claimed).toBe(0);
    expect(await rowOf(id)).toEqual(before);
    expect(receiver.received).toHaveLength(0);

    await configureWebhook(receiver.url, true);
    expect(await deliverDue(db(), { now: later(t0, 20) })).toMatchObject({ delivered: 1 });
    expect(receiver.received).toHaveLength(1);
  });

  it('never hands the same event to two passes running at once', async () => {
    const receiver = await startReceiver();
    await configureWebhook(receiver.url);
    const ids = await Promise.all(
      Array.from({ length: 8 }, (_, n) => queue('webhook', randomUUID(), webhookPayload(`acc_${n}`, n))),
    );
    const now = later(new Date(), 1);
    const passes = await Promise.all([
      deliverDue(db(), { now, limit: 5 }),
      deliverDue(db(), { now, limit: 5 }),
      deliverDue(db(), { now, limit: 5 }),
    ]);
    expect(passes.reduce((sum, p) => sum + p.delivered, 0)).toBe(8);
    expect(receiver.received.map((r) => Number(r.headers['vigil-event-id'])).sort((x, y) => x - y)).toEqual(
      [...ids].sort((x, y) => x - y),
    );
  });
});

describe('customer notices', () => {
  it('are recorded as delivered by the default provider, with no webhook and no delivery log row', async () => {
    const id = await queue('notice', randomUUID(), {
      channel: 'sms',
      to: '+447700900123',
      text: 'We locked your account.',
      accountId: 'acc_n',
    });
    const now = later(new Date(), 1);
    expect(await deliverDue(db(), { now })).toMatchObject({ claimed: 1, delivered: 1 });
    expect(await rowOf(id)).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: now, lastError: null });
    expect(await logOf(id)).toHaveLength(0);
  });

  it('go through a pluggable provider, which is retried when it fails', async () => {
    const sent: unknown[] = [];
    let failNext = true;
    const provider: NoticeProvider = {
      name: 'test-sms',
      send: (notice, context) => {
        if (failNext) {
          failNext = false;
          return Promise.reject(new Error('gateway busy'));
        }
        sent.push({ notice, context });
        return Promise.resolve();
      },
    };
    const payload = { channel: 'email', to: 'c@example.com', text: 'We reset your password.', accountId: 'acc_p' };
    const id = await queue('notice', randomUUID(), payload);
    const t0 = later(new Date(), 1);
    await deliverDue(db(), { now: t0, noticeProvider: provider });
    expect(await rowOf(id)).toMatchObject({ status: 'pending', attempts: 1, lastError: 'test-sms: gateway busy' });
    await deliverDue(db(), { now: later(t0, 2), noticeProvider: provider });
    expect((await rowOf(id)).status).toBe('delivered');
    expect(sent).toEqual([{ notice: payload, context: { outboxId: id, topic: 'account.lock' } }]);
  });

  it('give up at once on a payload no provider could send', async () => {
    const id = await queue('notice', randomUUID(), { text: 'no channel, no recipient' });
    await deliverDue(db(), { now: later(new Date(), 1) });
    expect(await rowOf(id)).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: 'malformed notice payload; gave up after 1 attempt',
    });
  });
});
