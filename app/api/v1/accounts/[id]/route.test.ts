import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { setupTestDatabase } from '@/db/testing/test-database';
import { GET as exportRoute } from './export/route';
import { GET as securityRoute } from './security/route';
import { DELETE } from './route';
import type { StaffActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import { setDatabaseForTests } from '@/lib/database';
import { detectionIdle } from '@/lib/detection/queue';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { storeEvents } from '@/lib/ingest/store-events';
import { addReportMessage } from '@/lib/reports/add-report-message';
import { lockAccount } from '@/lib/accounts/lock-account';
import { saveWebhookSettings } from '@/lib/webhooks/save-webhook-settings';
import { deliverDue } from '@/lib/outbox/deliver';
import { makeStaff, systemActor, uniqueSuffix } from '@/lib/testing/fixtures';
import { makeApiKey } from '@/lib/testing/ingest-fixtures';
import { approveErasure, requestErasure } from '@/lib/accounts/erase-account';
import { setLegalHold } from '@/lib/accounts/legal-hold';
import { verifyPassword } from '@/lib/auth/passwords';

const { db } = setupTestDatabase();
let agent: StaffActor;
let admin1: StaffActor;
let admin2: StaffActor;
let eraseKey: string;
let readKey: string;
beforeAll(async () => {
  setDatabaseForTests(db());
  agent = (await makeStaff(db(), 'agent')).actor;
  admin1 = (await makeStaff(db(), 'admin')).actor;
  admin2 = (await makeStaff(db(), 'admin')).actor;
  eraseKey = (await makeApiKey(db(), ['accounts:erase'])).key;
  readKey = (await makeApiKey(db(), ['accounts:read', 'accounts:export'])).key;
});

const call = (
  handler: (r: Request, c: { params: Promise<{ id: string }> }) => Promise<Response>,
  method: string,
  path: string,
  id: string,
  key: string,
) =>
  handler(
    new Request(`http://localhost/api/v1/accounts/${id}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}` },
    }),
    {
      params: Promise.resolve({ id }),
    },
  );
const erase = (id: string) => call(DELETE, 'DELETE', '', id, eraseKey);

/** A customer with something in every place Vigil keeps personal data; returns the values erasure must remove. */
/**
 * Each customer's phones and IP are its own (this file's database is its own): drawn at random, two customers could share
 * one, or one IP be the start of another's (198.51.30.20 of 198.51.30.201), and a scan for the first's traces would
 * find the second's, which no erasure removes (the legal hold test keeps its customer).
 */
let customers = 0;

async function richCustomer() {
  const s = uniqueSuffix();
  const n = ++customers;
  const v = {
    platformId: `cus_erase_${s}`,
    name: `Ada Lovelace ${s}`,
    email: `ada.${s}@example.com`,
    newEmail: `ada.new.${s}@example.com`,
    phone: `+4477009${String(n).padStart(5, '0')}`,
    ip: `198.51.${100 + n}.123`,
    userAgent: `EraseTestBrowser/${s}`,
    deviceId: `device_${s}`,
    reportPhone: `+4477008${String(n).padStart(5, '0')}`,
  };
  const context = { ip: v.ip, userAgent: v.userAgent, deviceId: v.deviceId, country: 'GB' };
  const account = { id: v.platformId, email: v.email, phone: v.phone };
  const t = Date.now() - 3_600_000;
  const events: IngestEvent[] = [
    {
      id: `l_${s}`,
      type: 'login.succeeded',
      method: 'password',
      occurredAt: new Date(t).toISOString(),
      account,
      context,
    },
    ...[1, 2, 3, 4, 5, 6].map(
      (i) =>
        ({
          id: `o_${s}_${i}`,
          type: i === 1 ? 'otp.issued' : 'otp.failed',
          ...(i === 1 ? {} : { reason: 'incorrect' }),
          occurredAt: new Date(t + i * 1000).toISOString(),
          account,
          otpId: `code_${s}`,
          channel: 'sms',
          purpose: 'login',
          context,
        }) as IngestEvent,
    ),
    {
      id: `c_${s}`,
      type: 'account.contact_changed',
      field: 'email',
      occurredAt: new Date(t + 10_000).toISOString(),
      account: { ...account, email: v.newEmail },
      context,
    },
  ];
  await ingestBatch(db(), events);
  await detectionIdle();
  const [row] = await queryRows<{ id: string; version: number }>(
    db(),
    sql`select id, version from accounts where external_id = ${v.platformId}`,
  );
  await db().execute(sql`update accounts set display_name = ${v.name} where id = ${row!.id}`);
  // A closed alert naming the customer in its details, with evidence of their code.
  await db()
    .execute(sql`insert into alerts (id, rule, severity, status, subject_type, subject_id, account_id, first_seen, last_seen, details, closed_at)
    values (gen_random_uuid(), 'otp_guessing', 'high', 'resolved', 'account', ${v.platformId}, ${row!.id}, now(), now(),
            ${JSON.stringify({ contact: v.newEmail, ip: v.ip })}::jsonb, now())`);
  // A closed report they filed, with a public reply quoting their e-mail (a notice goes to it).
  const reportId = randomUUID();
  await db()
    .execute(sql`insert into fraud_reports (id, reference, category, status, priority, due_at, email, phone, description, details, account_id, source, client_ip, closed_at, resolution)
    values (${reportId}, ${`VR-${s}`}, 'unrequested_code', 'resolved', 'high', now(), ${v.email}, ${v.reportPhone},
            ${`I am ${v.name}, I got a code`}, ${JSON.stringify({ name: v.name })}::jsonb, ${row!.id}, 'web', ${v.ip}, now(), 'account_secured')`);
  await addReportMessage(serviceContext(db(), agent), {
    reportId,
    version: 1,
    visibility: 'public',
    body: `Dear ${v.name}, we wrote to ${v.email}.`,
  });
  // A staff action: the webhook and a notice to the customer's contacts, and an idempotency result with their state.
  await lockAccount(serviceContext(db(), agent), {
    accountId: row!.id,
    version: row!.version,
    idempotencyKey: randomUUID(),
    reasonCode: 'suspected_takeover',
    note: 'Codes the customer did not ask for',
  });
  await db().execute(sql`update alerts set status = 'resolved', closed_at = now() where account_id = ${row!.id}`);
  return { values: v, accountId: row!.id };
}

/** Every text, jsonb, inet or varchar column of every table (partitions and the audit log too) holding a value. */
async function tracesOf(values: string[]): Promise<string[]> {
  const columns = await queryRows<{ table: string; column: string }>(
    db(),
    sql`select table_name as "table", column_name as "column" from information_schema.columns
        where table_schema = current_schema() and data_type in ('text', 'jsonb', 'inet', 'character varying', 'character', 'ARRAY')`,
  );
  const found: string[] = [];
  for (const { table, column } of columns) {
    for (const value of values) {
      const [hit] = await queryRows<{ n: number }>(
        db(),
        sql`select count(*)::int as n from ${sql.raw(`"${table}"`)} where strpos(${sql.raw(`"${column}"`)}::text, ${value}) > 0`,
      );
      if (hit!.n > 0) found.push(`${table}.${column} holds ${value}`);
    }
  }
  return found;
}

describe('erasure', () => {
  it('DELETE leaves no trace of the erased values in any table, keeps counts, and answers 202 with the first erasedAt again', async () => {
    // The platform's webhook receiver, a real HTTP server on this machine.
    const received: Record<string, unknown>[] = [];
    const receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(JSON.parse(body) as Record<string, unknown>);
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    await saveWebhookSettings(serviceContext(db(), systemActor), {
      url: `http://127.0.0.1:${port}/hook`,
      enabled: true,
    });
    const { values: v, accountId } = await richCustomer();
    const all = Object.values(v);
    // Before: the values are there (the scan would find them).
    expect((await tracesOf(all)).length).toBeGreaterThan(10);
    const totals = async () =>
      (
        await queryRows<{ n: number }>(db(), sql`select coalesce(sum(count), 0)::int as n from otp_rollup_daily_all`)
      )[0]!.n;
    const countsBefore = await totals();

    const res = await erase(v.platformId);
    expect(res.status).toBe(202);
    const { erasedAt } = (await res.json()) as { erasedAt: string };
    expect(Date.parse(erasedAt)).toBeGreaterThan(Date.now() - 60_000);

    expect(await tracesOf(all)).toEqual([]);
    expect(await totals()).toBe(countsBefore);
    // The rows are still there, under a new random id.
    const [moved] = await queryRows<{ id: string; n: number }>(
      db(),
      sql`select a.id, (select count(*)::int from otp_events o where o.account_id = a.id) as n
          from account_erasures e join accounts a on a.id = e.account_id where e.status = 'erased' order by e.erased_at desc limit 1`,
    );
    expect(moved!.id).not.toBe(accountId);
    expect(moved!.n).toBe(6);
    // The audit log says an erasure happened (under the new id) and by whom; the platform is told by webhook.
    const [audit] = await queryRows<{ actor_role: string; target_id: string }>(
      db(),
      sql`select actor_role, target_id from audit_log where action = 'account.erase' order by id desc limit 1`,
    );
    expect(audit!.target_id).toBe(moved!.id);
    // Delivered with the platform's own id in the request; the row never held it in the clear and drops the sealed copy.
    while ((await deliverDue(db(), { limit: 100 })).claimed > 0);
    receiver.close();
    expect(received.find((b) => b.type === 'account.erased')).toMatchObject({ accountId: v.platformId, erasedAt });
    const [hook] = await queryRows<{ status: string; payload: Record<string, unknown> }>(
      db(),
      sql`select status, payload from outbox where topic = 'account.erased'`,
    );
    expect(hook!.status).toBe('delivered');
    expect(Object.keys(hook!.payload).sort()).toEqual(['erasedAt', 'type']);
    expect(await tracesOf(all)).toEqual([]);

    // Again: the same answer; the erased account's security state and export are 404.
    const again = await erase(v.platformId);
    expect(again.status).toBe(202);
    expect(await again.json()).toEqual({ erasedAt });
    expect((await call(securityRoute, 'GET', '/security', v.platformId, readKey)).status).toBe(404);
    expect((await call(exportRoute, 'GET', '/export', v.platformId, readKey)).status).toBe(404);
    // A later event for the same platform id starts a fresh account, which does not reattach the old rows.
    await ingestBatch(db(), [
      {
        id: `late_${v.platformId}`,
        type: 'login.succeeded',
        method: 'password',
        occurredAt: new Date().toISOString(),
        account: { id: v.platformId },
      },
    ]);
    await detectionIdle();
    const exported = (await (await call(exportRoute, 'GET', '/export', v.platformId, readKey)).json()) as {
      loginEvents: unknown[];
      otpEvents: unknown[];
    };
    expect([exported.loginEvents.length, exported.otpEvents.length]).toEqual([1, 0]);
  });

  it('two erasures of one account at once make one erasure and one webhook event, and both answer its erasedAt', async () => {
    const count = async () =>
      (
        await queryRows<{ erasures: number; events: number }>(
          db(),
          sql`select (select count(*)::int from account_erasures where status = 'erased') as erasures,
                     (select count(*)::int from outbox where topic = 'account.erased') as events`,
        )
      )[0]!;
    // The webhook on (never delivered here): its outbox rows are what is counted.
    await saveWebhookSettings(serviceContext(db(), systemActor), { url: 'http://127.0.0.1:9/hook', enabled: true });
    const { values: v } = await richCustomer();
    const before = await count();
    const answers = await Promise.all([erase(v.platformId), erase(v.platformId)]);
    expect(answers.map((r) => r.status)).toEqual([202, 202]);
    const [first, second] = (await Promise.all(answers.map((r) => r.json()))) as { erasedAt: string }[];
    expect(second).toEqual(first);
    expect(await count()).toEqual({ erasures: before.erasures + 1, events: before.events + 1 });
    expect(await tracesOf(Object.values(v))).toEqual([]);
  });

  it('erases a short numeric platform id as a whole word only, and never rewrites hashes, keys or settings', async () => {
    // 19456 sits inside every argon2 hash Vigil stores ("m=19456"): erasure must not touch those columns.
    const platformId = '19456';
    const staff = await makeStaff(db(), 'agent', 'a long staff password 1');
    const secrets = async () =>
      queryRows<{ v: string }>(
        db(),
        sql`select password_hash as v from staff_users union all select key_hash from api_keys
            union all select key || '=' || value::text from settings order by 1`,
      );
    const before = await secrets();
    expect(before.some((r) => r.v.includes(platformId))).toBe(true);
    await ingestBatch(db(), [
      {
        id: `short_${uniqueSuffix()}`,
        type: 'login.succeeded',
        method: 'password',
        occurredAt: new Date().toISOString(),
        account: { id: platformId },
      },
    ]);
    await detectionIdle();
    // Another customer's report mentions them, and an unrelated order number that contains the digits.
    const otherReport = randomUUID();
    await db()
      .execute(sql`insert into fraud_reports (id, reference, category, status, priority, due_at, description, source)
        values (${otherReport}, ${`VR-${uniqueSuffix()}`}, 'unrequested_code', 'new', 'normal', now(),
                ${'Customer 19456 called about order 419456 on 19456-03-07.'}, 'web')`);
    await db().execute(sql`insert into report_messages (report_id, visibility, body, author_id)
        values (${otherReport}, 'internal', ${'Linked to 19456; see {"order":"19456"}, host 10.0.0.19456'}, ${agent.id})`);

    const res = await erase(platformId);
    expect(res.status).toBe(202);

    expect(await secrets()).toEqual(before);
    const [hash] = await queryRows<{ password_hash: string }>(
      db(),
      sql`select password_hash from staff_users where id = ${staff.actor.id}`,
    );
    expect(await verifyPassword(hash!.password_hash, 'a long staff password 1')).toBe(true);
    // The keys still work.
    expect((await call(securityRoute, 'GET', '/security', 'cus_never_seen_anywhere', readKey)).status).toBe(404);
    const [report] = await queryRows<{ description: string; body: string }>(
      db(),
      sql`select r.description, m.body from fraud_reports r join report_messages m on m.report_id = r.id where r.id = ${otherReport}`,
    );
    expect(report).toEqual({
      description: 'Customer [erased] called about order 419456 on 19456-03-07.',
      body: 'Linked to [erased]; see {"order":"[erased]"}, host 10.0.0.19456',
    });
  });

  it('an erasure racing an ingest batch about the account waits for it and erases its events too', async () => {
    const { values: v, accountId } = await richCustomer();
    // A batch stored and not yet committed: a login between the account's first and last event, from the customer's
    // IP, so the batch writes nothing to the account or its activity (which would lock them anyway).
    const [first] = await queryRows<{ ms: number }>(
      db(),
      sql`select (extract(epoch from first_event_at) * 1000)::float8 as ms from accounts where id = ${accountId}`,
    );
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let stored!: () => void;
    const storedSignal = new Promise<void>((resolve) => (stored = resolve));
    const ingest = db().transaction(async (tx) => {
      await storeEvents(tx, [
        {
          id: `race_${uniqueSuffix()}`,
          type: 'login.failed',
          reason: 'bad_password',
          occurredAt: new Date(first!.ms + 1000).toISOString(),
          account: { id: v.platformId },
          context: { ip: v.ip, userAgent: v.userAgent },
        },
      ]);
      stored();
      await gate;
    });
    await storedSignal;
    let settled = false;
    const erasure = erase(v.platformId).finally(() => (settled = true));
    // Until the erasure either finished or queued behind the batch's lock (an advisory lock in this database; other
    // test files share the server).
    const waiting = async () =>
      (
        await queryRows<{ n: number }>(
          db(),
          sql`select count(*)::int as n from pg_locks where not granted and locktype = 'advisory'
              and database = (select oid from pg_database where datname = current_database())`,
        )
      )[0]!.n > 0;
    while (!settled && !(await waiting())) await new Promise((r) => setTimeout(r, 20));
    release();
    await ingest;
    expect((await erasure).status).toBe(202);
    const [left] = await queryRows<{ n: number }>(
      db(),
      sql`select count(*)::int as n from login_events where ip = ${v.ip}::inet or user_agent = ${v.userAgent}`,
    );
    expect(left!.n).toBe(0);
  });

  it('refuses under legal hold (409 legal_hold) and changes nothing; 404 for an account never seen; keys need accounts:erase', async () => {
    const { values: v, accountId } = await richCustomer();
    await setLegalHold(serviceContext(db(), admin1), { accountId, reason: 'Chargeback dispute 4411' });
    const res = await erase(v.platformId);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: 'legal_hold' });
    const [still] = await queryRows<{ email: string }>(db(), sql`select email from accounts where id = ${accountId}`);
    expect(still!.email).toBe(v.newEmail);
    expect((await erase('cus_never_seen_anywhere')).status).toBe(404);
    expect((await call(DELETE, 'DELETE', '', v.platformId, readKey)).status).toBe(403);
  });

  it('in the console, one admin asks and a different admin approves', async () => {
    const { values: v, accountId } = await richCustomer();
    const { requestId } = await requestErasure(serviceContext(db(), admin1), accountId);
    await expect(requestErasure(serviceContext(db(), admin2), accountId)).rejects.toThrow(/already waiting/);
    await expect(approveErasure(serviceContext(db(), admin1), requestId)).rejects.toThrow(/different admin/);
    await expect(requestErasure(serviceContext(db(), agent), accountId)).rejects.toMatchObject({ code: 'forbidden' });
    const done = await approveErasure(serviceContext(db(), admin2), requestId);
    expect(done.accountId).not.toBe(accountId);
    expect(await tracesOf([v.email, v.platformId, v.name, v.ip])).toEqual([]);
    const [row] = await queryRows<{ status: string; requested_by: string; approved_by: string }>(
      db(),
      sql`select status, requested_by, approved_by from account_erasures where id = ${requestId}`,
    );
    expect(row).toEqual({ status: 'erased', requested_by: admin1.id, approved_by: admin2.id });
  });
});
