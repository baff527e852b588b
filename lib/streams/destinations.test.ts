import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { auditLog, streamDestinations } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import { serviceContext } from '@/lib/context';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { loginEvent, makeStaff, systemActor } from '@/lib/testing/fixtures';
import { addDestination, batchSize, listDestinations, pushDue, removeDestination } from './destinations';

const { db } = setupTestDatabase();
const operator = () => serviceContext(db(), systemActor);
const closers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const close of closers) await close();
});

/** A real NDJSON endpoint on 127.0.0.1 that answers `answer(call)`; it keeps the bodies it took (2xx). */
async function endpoint(answer: (call: number) => number = () => 200) {
  const taken: { headers: IncomingHttpHeaders; lines: Record<string, unknown>[] }[] = [];
  let calls = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const status = answer(calls++);
      if (status < 300)
        taken.push({
          headers: req.headers,
          lines: body
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l) as Record<string, unknown>),
        });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/ingest`, taken, calls: () => calls };
}

/** A pass as it would run `ahead` from now (retries wait; the test does not). */
const passAt = (aheadMs: number) => pushDue(db(), new Date(Date.now() + aheadMs));
/**
 * Passes until `done` (at most 30 s). A stream reads only below the oldest transaction still running, and
 * PostgreSQL's transaction ids span the whole server: while another test file's transaction is open in another
 * database, a pass may find nothing new yet, so "a pass found nothing" is not "caught up".
 */
async function passUntil(aheadMs: number, done: () => boolean) {
  const deadline = Date.now() + 30_000;
  while (!done() && Date.now() < deadline) {
    if (!(await passAt(aheadMs))) await new Promise((r) => setTimeout(r, 100));
  }
}
const day = 24 * 3_600_000;

describe('stream push destinations', () => {
  it('a destination down for 8 days gets every event when it is back, each once, in stream order', async () => {
    let down = true;
    const sink = await endpoint(() => (down ? 503 : 200));
    const { id } = await addDestination(operator(), {
      stream: 'events',
      url: sink.url,
      authorization: 'Splunk hec-token',
    });
    const account = `cus_push_${randomUUID().slice(0, 8)}`;
    const sent: string[] = [];
    // The outage: events keep arriving while every attempt fails; the destination keeps its place.
    for (let d = 0; d < 8; d++) {
      const batch = Array.from({ length: 150 }, (_, i) =>
        loginEvent(account, new Date(Date.now() - (8 - d) * day + i * 1000)),
      );
      sent.push(...batch.map((e) => e.id));
      await ingestBatch(db(), batch);
      await passAt((d + 1) * day);
    }
    const [failing] = await db().select().from(streamDestinations).where(eq(streamDestinations.id, id));
    expect(failing).toMatchObject({ delivered: 0, cursor: null, lastError: 'HTTP 503' });
    expect(failing!.attempts).toBeGreaterThanOrEqual(8);
    expect(failing!.failingSince).not.toBeNull();
    // The wait between tries grows, but never past 5 minutes.
    expect(failing!.nextAttemptAt.getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000 + 1000);
    const [lagging] = await listDestinations(operator());
    expect(lagging!.waiting).toBeGreaterThanOrEqual(1000);

    down = false;
    const mineSoFar = () => sink.taken.flatMap((t) => t.lines).filter((l) => l.account === account);
    await passUntil(9 * day, () => mineSoFar().length >= sent.length);
    const lines = sink.taken.flatMap((t) => t.lines);
    const mine = lines.filter((l) => l.account === account).map((l) => l.eventId);
    expect(mine).toEqual(sent);
    expect(new Set(lines.map((l) => `${String(l.source)}:${String(l.eventId)}`)).size).toBe(lines.length);
    expect(Math.max(...sink.taken.map((t) => t.lines.length))).toBeLessThanOrEqual(batchSize);
    expect(sink.taken[0]!.headers['content-type']).toBe('application/x-ndjson');
    expect(sink.taken[0]!.headers.authorization).toBe('Splunk hec-token');
    const [caughtUp] = await db().select().from(streamDestinations).where(eq(streamDestinations.id, id));
    expect(caughtUp).toMatchObject({ attempts: 0, failingSince: null, lastError: null, delivered: lines.length });

    // Nothing new: a pass sends nothing; new events follow from where it stopped (a restart reads the stored cursor).
    const calls = sink.calls();
    await passAt(10 * day);
    expect(sink.calls()).toBe(calls);
    const later = loginEvent(account, new Date());
    await ingestBatch(db(), [later]);
    await passUntil(11 * day, () => sink.taken.at(-1)!.lines.some((l) => l.eventId === later.id));
    expect(sink.taken.at(-1)!.lines.map((l) => l.eventId)).toEqual([later.id]);
    await removeDestination(operator(), id);
  });

  it('an audit destination receives the audit trail, and adding and removing one is audited without its credential', async () => {
    const sink = await endpoint();
    const { actor } = await makeStaff(db(), 'admin');
    const admin = serviceContext(db(), actor);
    const { id } = await addDestination(admin, {
      stream: 'audit',
      url: sink.url,
      authorization: 'Bearer secret-value',
    });
    const actionsSoFar = () => sink.taken.flatMap((t) => t.lines).map((l) => l.action);
    await passUntil(day, () => actionsSoFar().includes('stream_destination.add'));
    const actions = actionsSoFar();
    expect(actions).toContain('stream_destination.add');
    const trail = await db().select().from(auditLog).where(eq(auditLog.targetId, id));
    expect(JSON.stringify(trail)).not.toContain('secret-value');
    await removeDestination(admin, id);
    expect(await listDestinations(admin)).toEqual([]);
  });

  it('refuses a destination that is not an http(s) endpoint, naming the field, and stores nothing', async () => {
    await expect(addDestination(operator(), { stream: 'events', url: 'ftp://example.com/x' })).rejects.toMatchObject({
      code: 'invalid',
      fieldErrors: { url: [expect.any(String)] },
    });
    await expect(addDestination(operator(), { stream: 'logs', url: 'https://example.com/x' })).rejects.toMatchObject({
      code: 'invalid',
      fieldErrors: { stream: [expect.any(String)] },
    });
    const { actor } = await makeStaff(db(), 'agent');
    await expect(
      addDestination(serviceContext(db(), actor), { stream: 'events', url: 'https://example.com/x' }),
    ).rejects.toMatchObject({ code: 'forbidden' });
    expect(await db().select().from(streamDestinations)).toEqual([]);
  });
});
