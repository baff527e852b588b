import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { outbox, settings, webhookDeliveries } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { SecurityState } from '@/lib/accounts/security-state';
import { deliverDue } from './deliver';
import { enqueueSecurityChange, webhookSettingsKey, type SecurityChange } from './enqueue';
import { verifyWebhookSignature } from './signature';
import { startOutboxWorker } from './worker';

/* The outbox end to end: an action's transaction queues, the worker in this process delivers. */

const { db } = setupTestDatabase();
const secret = 'whsec_outbox_test';

interface Delivery {
  eventId: string;
  body: string;
  signature: string;
  status: number;
}

/** A receiver on 127.0.0.1 that answers with `answer(request number)`. */
async function startReceiver(answer: (index: number) => number) {
  const received: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = answer(received.length);
      received.push({
        eventId: String(req.headers['vigil-event-id']),
        body: Buffer.concat(chunks).toString('utf8'),
        signature: String(req.headers['vigil-signature']),
        status,
      });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}
const servers: ReturnType<typeof createServer>[] = [];

const state: SecurityState = {
  status: 'locked',
  passwordResetRequired: false,
  twoFactor: { required: false, method: null, disableRequired: false },
  sessionsValidAfter: null,
  version: 2,
  reported: { twoFactor: { enabled: false, method: null }, email: 'c@example.com', phone: null },
};

function change(accountId: string, externalId: string, n: number): SecurityChange {
  return {
    accountId,
    externalId,
    action: 'account.lock',
    state: { ...state, version: n },
    actor: { email: 'agent@test.vigil', role: 'agent' },
    reasonCode: 'suspected_takeover',
    at: new Date(),
  };
}

async function configureWebhook(url: string) {
  const value = { url, secret, enabled: true };
  await db()
    .insert(settings)
    .values({ key: webhookSettingsKey, value })
    .onConflictDoUpdate({ target: settings.key, set: { value } });
}

beforeEach(async () => {
  await db()
    .delete(outbox)
    .where(sql`true`);
  await db()
    .delete(webhookDeliveries)
    .where(sql`true`);
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

describe('outbox', () => {
  it('queues nothing for an action whose transaction rolls back', async () => {
    const receiver = await startReceiver(() => 200);
    await configureWebhook(receiver.url);
    await expect(
      db().transaction(async (tx) => {
        await enqueueSecurityChange(tx, change(randomUUID(), 'acc_rolled_back', 1), {
          channel: 'email',
          to: 'c@example.com',
          text: 'Locked.',
        });
        throw new Error('the action failed after queueing');
      }),
    ).rejects.toThrow('the action failed');
    expect(await db().select().from(outbox)).toHaveLength(0);
    expect((await deliverDue(db())).claimed).toBe(0);
    expect(receiver.received).toHaveLength(0);
  });

  it('delivers a committed action’s webhook and notice from the worker in this process, signed', async () => {
    const receiver = await startReceiver(() => 200);
    await configureWebhook(receiver.url);
    const accountId = randomUUID();
    await db().transaction((tx) =>
      enqueueSecurityChange(tx, change(accountId, 'acc_worker', 1), {
        channel: 'sms',
        to: '+447700900123',
        text: 'We locked your account.',
      }),
    );

    const worker = startOutboxWorker(() => Promise.resolve(db()), { intervalMs: 20 });
    try {
      await vi.waitFor(
        async () => {
          const rows = await db().select().from(outbox).where(eq(outbox.accountId, accountId));
          expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered']);
        },
        { timeout: 10_000, interval: 50 },
      );
    } finally {
      await worker.stop();
    }
    expect(receiver.received).toHaveLength(1);
    const [event] = receiver.received;
    expect(JSON.parse(event!.body)).toMatchObject({
      type: 'account.security_changed',
      accountId: 'acc_worker',
      action: 'account.lock',
      reasonCode: 'suspected_takeover',
      state: { status: 'locked', version: 1 },
    });
    expect(verifyWebhookSignature(secret, event!.body, event!.signature).valid).toBe(true);
    const notice = (await db().select().from(outbox).where(eq(outbox.kind, 'notice')))[0]!;
    expect(notice).toMatchObject({
      topic: 'account.lock',
      payload: { channel: 'sms', to: '+447700900123', text: 'We locked your account.', accountId: 'acc_worker' },
    });
    expect(notice.deliveredAt).toBeInstanceOf(Date);
  });

  it('keeps an account’s events in order through a receiver that fails every other request', async () => {
    const receiver = await startReceiver((i) => (i % 2 === 0 ? 503 : 200));
    await configureWebhook(receiver.url);
    const accountId = randomUUID();
    for (let n = 1; n <= 6; n++)
      await db().transaction((tx) => enqueueSecurityChange(tx, change(accountId, 'acc_order', n), null));

    let now = new Date(Date.now() + 1000);
    for (let pass = 0; pass < 30; pass++) {
      await deliverDue(db(), { now });
      now = new Date(now.getTime() + 3_600_000);
    }
    const rows = await db().select().from(outbox).where(eq(outbox.accountId, accountId)).orderBy(asc(outbox.id));
    expect(rows.map((r) => [r.status, r.attempts])).toEqual(Array.from({ length: 6 }, () => ['delivered', 2]));
    const delivered = receiver.received
      .filter((r) => r.status === 200)
      .map((r) => (JSON.parse(r.body) as { state: { version: number } }).state.version);
    expect(delivered).toEqual([1, 2, 3, 4, 5, 6]);
    expect(receiver.received.map((r) => r.eventId)).toEqual(rows.flatMap((r) => [String(r.id), String(r.id)]));
    expect(await db().select().from(webhookDeliveries)).toHaveLength(12);
  });
});
