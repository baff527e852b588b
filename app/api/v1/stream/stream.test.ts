import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { queryRows } from '@/db/client';
import { alerts } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import { approveErasure, requestErasure } from '@/lib/accounts/erase-account';
import type { StaffActor } from '@/lib/auth/actor';
import { recordAudit } from '@/lib/audit/record-audit';
import { serviceContext, withTransaction } from '@/lib/context';
import { setDatabaseForTests } from '@/lib/database';
import { resetEnvForTests } from '@/lib/env';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { loginEvent, makeStaff, systemActor, uniqueSuffix } from '@/lib/testing/fixtures';
import { makeApiKey } from '@/lib/testing/ingest-fixtures';
import { DELETE as eraseRoute } from '../accounts/[id]/route';
import { GET as alertsStream } from './alerts/route';
import { GET as auditStream } from './audit/route';
import { GET as eventsStream } from './events/route';

const { db } = setupTestDatabase();
let admin1: StaffActor;
let admin2: StaffActor;
beforeAll(async () => {
  // A reader here follows as fast as it can (a page every few milliseconds while six writers commit): the per-key read
  // budget (100 a second; the per-key budgets are tested on the ingest route) is not what these tests are about.
  vi.stubEnv('VIGIL_API_READ_RATE_LIMIT', '100000');
  resetEnvForTests();
  setDatabaseForTests(db());
  admin1 = (await makeStaff(db(), 'admin')).actor;
  admin2 = (await makeStaff(db(), 'admin')).actor;
});
afterAll(() => {
  vi.unstubAllEnvs();
  resetEnvForTests();
});

type Handler = typeof auditStream;
async function page(handler: Handler, path: string, key: string | null, query = '') {
  const response = await handler(
    new Request(`http://localhost/api/v1/stream/${path}${query}`, {
      headers: key ? { authorization: `Bearer ${key}` } : {},
    }),
    { params: Promise.resolve({}) },
  );
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    cursor: response.headers.get('vigil-next-cursor'),
    records:
      response.status === 200
        ? text
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as Record<string, unknown>)
        : [],
    body: text,
  };
}

const audit = (action: string) =>
  withTransaction(serviceContext(db(), systemActor), (tx) =>
    recordAudit(tx, { action: action as `${string}.${string}`, targetType: 'test', targetId: action }),
  );

/** Follows a stream from `cursor` to its current end, page by page. */
async function follow(handler: Handler, path: string, key: string, cursor: string | null, limit = 7) {
  const seen: Record<string, unknown>[] = [];
  for (;;) {
    const p = await page(handler, path, key, `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    expect(p.status).toBe(200);
    seen.push(...p.records);
    if (p.records.length === 0) {
      expect(p.cursor).toBe(cursor ?? p.cursor);
      return { seen, cursor: p.cursor! };
    }
    cursor = p.cursor;
  }
}

/**
 * Follows until `enough` holds (10 s at most): the horizon is the oldest transaction running anywhere on the server,
 * so another test file's open transaction may hold the newest records back for a moment (delayed, never lost).
 */
async function followUntil(
  handler: Handler,
  path: string,
  key: string,
  cursor: string | null,
  enough: (seen: Record<string, unknown>[]) => boolean,
) {
  const seen: Record<string, unknown>[] = [];
  const until = Date.now() + 10_000;
  for (;;) {
    const p = await follow(handler, path, key, cursor);
    seen.push(...p.seen);
    cursor = p.cursor;
    if (enough(seen) || Date.now() > until) return { seen, cursor };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('streams for SIEMs', () => {
  it('answers NDJSON with the next cursor; refuses without the scope, and a cursor or limit it did not give out', async () => {
    const key = await makeApiKey(db(), ['stream:audit']);
    await audit('test.first');
    const first = await page(auditStream, 'audit', key.key, '?limit=1000');
    expect(first.status).toBe(200);
    expect(first.type).toBe('application/x-ndjson; charset=utf-8');
    expect(first.cursor).toBeTruthy();
    const found = await followUntil(auditStream, 'audit', key.key, null, (r) =>
      r.some((a) => a.action === 'test.first'),
    );
    expect(found.seen.find((a) => a.action === 'test.first')).toMatchObject({
      stream: 'audit',
      targetId: 'test.first',
    });

    expect((await page(auditStream, 'audit', null)).status).toBe(401);
    const other = await makeApiKey(db(), ['alerts:read']);
    const refused = await page(auditStream, 'audit', other.key);
    expect(refused.status).toBe(403);
    expect(refused.body).toContain('stream:audit');
    // A cursor of another stream, or made up, names the cursor.
    const events = await makeApiKey(db(), ['stream:events']);
    const bad = await page(eventsStream, 'events', events.key, `?cursor=${first.cursor}`);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ fieldErrors: { cursor: [expect.any(String)] } });
    expect((await page(auditStream, 'audit', key.key, '?cursor=bm9wZQ')).status).toBe(400);
    const limit = await page(auditStream, 'audit', key.key, '?limit=5000');
    expect(JSON.parse(limit.body)).toMatchObject({ fieldErrors: { limit: [expect.stringContaining('1 to 1000')] } });
  });

  it('never skips a transaction that commits late, and never repeats a record, under concurrent writers', async () => {
    const key = await makeApiKey(db(), ['stream:audit']);
    const { cursor: start } = await follow(auditStream, 'audit', key.key, null, 1000);
    const tag = uniqueSuffix();
    const written: string[] = [];
    const seen: string[] = [];
    let cursor = start;
    let writing = true;

    // 6 writers, each committing 8 transactions of 1–3 rows that stay open a random while (some long), so later
    // transactions often commit before earlier ones.
    const writers = Array.from({ length: 6 }, (_, w) =>
      (async () => {
        for (let t = 0; t < 8; t++) {
          const rows = 1 + ((w + t) % 3);
          await db().transaction(async (tx) => {
            for (let r = 0; r < rows; r++) {
              const action = `test.${tag}.w${w}t${t}r${r}`;
              await withTransaction(serviceContext(tx, systemActor), (inner) =>
                recordAudit(inner, { action: action as `${string}.${string}`, targetType: 'test', targetId: action }),
              );
              await new Promise((resolve) => setTimeout(resolve, Math.random() * ((w * 7 + t) % 5 === 0 ? 120 : 15)));
            }
            for (let r = 0; r < rows; r++) written.push(`test.${tag}.w${w}t${t}r${r}`);
          });
        }
      })(),
    );
    const reader = (async () => {
      while (writing) {
        const p = await follow(auditStream, 'audit', key.key, cursor, 5);
        seen.push(...p.seen.map((r) => String(r.action)).filter((a) => a.includes(tag)));
        cursor = p.cursor;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();
    await Promise.all(writers);
    writing = false;
    await reader;
    const rest = await followUntil(auditStream, 'audit', key.key, cursor, (more) => {
      const mine = more.filter((r) => String(r.action).includes(tag)).length;
      return seen.length + mine >= written.length;
    });
    seen.push(...rest.seen.map((r) => String(r.action)).filter((a) => a.includes(tag)));

    expect(written).toHaveLength(6 * 8 * 2);
    expect(new Set(seen).size).toBe(seen.length); // nothing twice
    expect([...seen].sort()).toEqual([...written].sort()); // nothing missed
  });

  it('events carry the platform’s account id; alerts come again with their new state when they change', async () => {
    const key = await makeApiKey(db(), ['stream:events', 'stream:alerts']);
    const { cursor: eventsStart } = await follow(eventsStream, 'events', key.key, null, 1000);
    const { cursor: alertsStart } = await follow(alertsStream, 'alerts', key.key, null, 1000);
    const account = `cus_stream_${uniqueSuffix()}`;
    await ingestBatch(db(), [loginEvent(account, new Date(Date.now() - 60_000))], new Date(), { awaitDetection: true });
    const events = await followUntil(eventsStream, 'events', key.key, eventsStart, (e) => e.length > 0);
    expect(events.seen).toEqual([
      expect.objectContaining({ stream: 'events', source: 'login', account, outcome: 'succeeded' }),
    ]);

    const [alert] = await db()
      .insert(alerts)
      .values({
        rule: 'password_bruteforce',
        severity: 'high',
        subjectType: 'ip',
        subjectId: '198.51.100.3',
        firstSeen: new Date(),
        lastSeen: new Date(),
        evidenceCount: 1,
        details: {},
      })
      .returning({ id: alerts.id });
    const opened = await followUntil(alertsStream, 'alerts', key.key, alertsStart, (a) => a.length > 0);
    expect(opened.seen.map((a) => [a.id, a.status])).toEqual([[alert!.id, 'open']]);
    await db().execute(sql`update alerts set status = 'acknowledged' where id = ${alert!.id}`);
    const changed = await followUntil(alertsStream, 'alerts', key.key, opened.cursor, (a) => a.length > 0);
    expect(changed.seen.map((a) => [a.id, a.status])).toEqual([[alert!.id, 'acknowledged']]);
  });

  it('an erasure comes as account.erased on the events and alerts streams, naming the customer only by the accountRef their records carried', async () => {
    const key = await makeApiKey(db(), ['stream:events', 'stream:alerts', 'accounts:erase']);
    const { cursor: eventsStart } = await follow(eventsStream, 'events', key.key, null, 1000);
    const { cursor: alertsStart } = await follow(alertsStream, 'alerts', key.key, null, 1000);
    const [gone, kept] = ['gone', 'kept'].map((n) => `cus_stream_${n}_${uniqueSuffix()}`) as [string, string];
    const at = new Date(Date.now() - 60_000);
    await ingestBatch(db(), [loginEvent(gone, at), loginEvent(kept, at)], new Date(), { awaitDetection: true });
    const before = await followUntil(eventsStream, 'events', key.key, eventsStart, (e) => e.length >= 2);
    const refOf = (account: string) => before.seen.find((e) => e.account === account)?.accountRef;
    expect(refOf(gone)).toMatch(/^[0-9a-f]{64}$/);
    expect(refOf(kept)).toMatch(/^[0-9a-f]{64}$/);
    expect(refOf(kept)).not.toBe(refOf(gone));

    // Through the API: the record comes at the erasure's commit, with the pseudonymous id, never the platform's.
    const response = await eraseRoute(
      new Request(`http://localhost/api/v1/accounts/${gone}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${key.key}` },
      }),
      { params: Promise.resolve({ id: gone }) },
    );
    expect(response.status).toBe(202);
    const { erasedAt } = (await response.json()) as { erasedAt: string };
    const erased = (seen: Record<string, unknown>[]) => seen.filter((r) => r.type === 'account.erased');
    const after = await followUntil(eventsStream, 'events', key.key, before.cursor, (e) => erased(e).length > 0);
    expect(erased(after.seen)).toHaveLength(1);
    const [record] = erased(after.seen);
    expect(Object.keys(record!).sort()).toEqual([
      'accountId',
      'accountRef',
      'erasedAt',
      'id',
      'source',
      'stream',
      'type',
    ]);
    expect(record).toMatchObject({
      stream: 'events',
      source: 'erasure',
      type: 'account.erased',
      accountRef: refOf(gone),
    });
    expect(Date.parse(record!.erasedAt as string)).toBe(Date.parse(erasedAt));
    expect(JSON.stringify(record)).not.toContain(gone);
    const [moved] = await queryRows<{ id: string }>(
      db(),
      sql`select id from accounts where external_id = ${`erased:${String(record!.accountId)}`}`,
    );
    expect(moved).toBeDefined();
    const onAlerts = await followUntil(alertsStream, 'alerts', key.key, alertsStart, (a) => erased(a).length > 0);
    expect(erased(onAlerts.seen)).toEqual([{ ...record, stream: 'alerts' }]);

    // The same platform id seen again starts a fresh account under the same reference; erased again, in the console
    // this time: nothing while the request waits for the second admin, then a second record of its own at the approval.
    await ingestBatch(db(), [loginEvent(gone, new Date(Date.now() - 30_000))], new Date(), { awaitDetection: true });
    const again = await followUntil(eventsStream, 'events', key.key, after.cursor, (e) => e.length > 0);
    expect(again.seen).toEqual([expect.objectContaining({ account: gone, accountRef: refOf(gone) })]);
    const [fresh] = await queryRows<{ id: string }>(db(), sql`select id from accounts where external_id = ${gone}`);
    const { requestId } = await requestErasure(serviceContext(db(), admin1), fresh!.id);
    const waiting = await follow(eventsStream, 'events', key.key, again.cursor);
    expect(erased(waiting.seen)).toEqual([]);
    const done = await approveErasure(serviceContext(db(), admin2), requestId);
    const approved = await followUntil(eventsStream, 'events', key.key, waiting.cursor, (e) => erased(e).length > 0);
    expect(erased(approved.seen)).toEqual([
      expect.objectContaining({ id: requestId, accountRef: refOf(gone), accountId: done.accountId }),
    ]);
    expect(requestId).not.toBe(record!.id);
    // A repeated DELETE answers the later erasure's time. A reader from the start finds both lives' events
    // pseudonymised already (no accountRef of the customer's): it gets only the later erasure, once.
    const repeated = await eraseRoute(
      new Request(`http://localhost/api/v1/accounts/${gone}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${key.key}` },
      }),
      { params: Promise.resolve({ id: gone }) },
    );
    expect(Date.parse(((await repeated.json()) as { erasedAt: string }).erasedAt)).toBe(Date.parse(done.erasedAt));
    const fromStart = await follow(eventsStream, 'events', key.key, eventsStart, 1000);
    expect(erased(fromStart.seen).map((r) => r.id)).toEqual([requestId]);
    expect(fromStart.seen.filter((r) => r.accountRef === refOf(gone)).map((r) => r.type)).toEqual(['account.erased']);
    // The customer who was not erased has no erasure record.
    expect(erased(fromStart.seen).map((r) => r.accountRef)).not.toContain(refOf(kept));
  });
});
