import { count, eq, getTableName, sql, type SQL } from 'drizzle-orm';
import { PgDialect, type PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { accountActivity, accountEvents, accounts, loginEvents, otpEvents, seenEvents } from '@/db/schema';
import { accountIdFor, NEW_ACCOUNT_LOCK_CLASS } from '@/db/account-id';
import { queryRows } from '@/db/client';
import { loginEvent, otpEvent, uniqueSuffix } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { IngestEvent } from './event-schema';
import { ingestBatch } from './ingest-batch';
import { inOneStatement, storeEvents } from './store-events';

const { db, database } = setupTestDatabase();
const store = (events: IngestEvent[]) => db().transaction((tx) => storeEvents(tx, events));
const account = async (externalId: string) =>
  (await db().select().from(accounts).where(eq(accounts.externalId, externalId)))[0]!;
const lastActivity = async (accountId: string) =>
  (await db().select().from(accountActivity).where(eq(accountActivity.accountId, accountId)))[0]?.lastEventAt;
const rowCounts = async () => {
  const [[l], [o], [a], [s]] = await Promise.all([
    db().select({ n: count() }).from(loginEvents),
    db().select({ n: count() }).from(otpEvents),
    db().select({ n: count() }).from(accountEvents),
    db().select({ n: count() }).from(seenEvents),
  ]);
  return { logins: l!.n, otps: o!.n, changes: a!.n, seen: s!.n };
};

describe('storing events', () => {
  it('creates the account on first sight and stores each kind of event in its table', async () => {
    const id = `cus_${uniqueSuffix()}`;
    const t = Date.parse('2026-07-01T09:00:00Z');
    const result = await store([
      loginEvent(id, new Date(t), { account: { id, email: 'first@example.com' } }),
      {
        id: `e1_${id}`,
        type: 'otp.failed',
        occurredAt: new Date(t + 1000).toISOString(),
        account: { id },
        otpId: 'o',
        channel: 'email',
        purpose: 'login',
        reason: 'expired',
      },
      {
        id: `e2_${id}`,
        type: 'account.2fa_changed',
        occurredAt: new Date(t + 2000).toISOString(),
        account: { id },
        enabled: true,
        method: 'totp',
      },
    ]);
    expect(result).toMatchObject({ accepted: 3, duplicates: 0 });
    expect(result.ips).toEqual(['203.0.113.7']);
    const a = await account(id);
    expect(a).toMatchObject({
      email: 'first@example.com',
      reportedTwoFactorEnabled: true,
      reportedTwoFactorMethod: 'totp',
      version: 1,
      status: 'active',
    });
    expect(a.firstEventAt.getTime()).toBe(t);
    expect((await lastActivity(a.id))?.getTime()).toBe(t + 2000);
    expect(result.accountIds).toEqual([a.id]);
  });

  it('a replayed batch, whole or mixed with new events, stores nothing twice', async () => {
    const id = `cus_${uniqueSuffix()}`;
    const batch = [loginEvent(id, new Date('2026-07-02T10:00:00Z')), loginEvent(id, new Date('2026-07-02T10:01:00Z'))];
    await store(batch);
    const before = await rowCounts();
    expect(await store(batch)).toMatchObject({ accepted: 0, duplicates: 2 });
    expect(await rowCounts()).toEqual(before);
    const fresh = loginEvent(id, new Date('2026-07-02T10:02:00Z'));
    expect(await store([batch[0]!, fresh, fresh])).toMatchObject({ accepted: 1, duplicates: 2 });
    expect((await rowCounts()).logins).toBe(before.logins + 1);
  });

  it('a known id with a different payload is a duplicate: the first write wins', async () => {
    const id = `cus_${uniqueSuffix()}`;
    const original = loginEvent(id, new Date('2026-07-03T10:00:00Z'));
    await store([original]);
    expect(await store([{ ...original, type: 'login.failed', reason: 'bad_password' }])).toMatchObject({
      accepted: 0,
      duplicates: 1,
    });
    const rows = await db().select().from(loginEvents).where(eq(loginEvents.eventId, original.id));
    expect(rows.map((r) => r.outcome)).toEqual(['succeeded']);
  });

  it('keeps the contact of the newest event, whatever order the events arrive in', async () => {
    const id = `cus_${uniqueSuffix()}`;
    await store([
      loginEvent(id, new Date('2026-07-04T12:00:00Z'), {
        account: { id, email: 'new@example.com', phone: '+447700900555' },
      }),
    ]);
    await store([
      loginEvent(id, new Date('2026-07-04T08:00:00Z'), {
        account: { id, email: 'old@example.com', phone: '+447700900444' },
      }),
    ]);
    const a = await account(id);
    expect(a).toMatchObject({ email: 'new@example.com', phone: '+447700900555' });
    expect(a.firstEventAt.toISOString()).toBe('2026-07-04T08:00:00.000Z');
    // The late, older batch moves the first event back but leaves the last activity where it was.
    expect((await lastActivity(a.id))?.toISOString()).toBe('2026-07-04T12:00:00.000Z');
  });

  it('never touches what staff imposed, nor the version', async () => {
    const id = `cus_${uniqueSuffix()}`;
    await store([loginEvent(id, new Date('2026-07-05T08:00:00Z'))]);
    await db()
      .update(accounts)
      .set({
        status: 'locked',
        passwordResetRequired: true,
        twoFactorRequired: true,
        twoFactorRequiredMethod: 'totp',
        version: 4,
      })
      .where(eq(accounts.externalId, id));
    await store([
      loginEvent(id, new Date('2026-07-05T09:00:00Z'), { account: { id, email: 'x@example.com' } }),
      {
        id: `tfa_${id}`,
        type: 'account.2fa_changed',
        occurredAt: '2026-07-05T09:01:00Z',
        account: { id },
        enabled: false,
      },
    ]);
    expect(await account(id)).toMatchObject({
      status: 'locked',
      passwordResetRequired: true,
      twoFactorRequired: true,
      twoFactorRequiredMethod: 'totp',
      version: 4,
      email: 'x@example.com',
      reportedTwoFactorEnabled: false,
    });
  });

  it("derives a new account's id from its platform id", async () => {
    const id = `cus_${uniqueSuffix()}`;
    await store([loginEvent(id, new Date('2026-07-05T10:00:00Z'))]);
    expect((await account(id)).id).toBe(accountIdFor(id));
    expect(accountIdFor(id)).not.toBe(accountIdFor(`${id}x`));
  });

  it('leaves an account row alone (not even locked) when the batch reports nothing newer about it', async () => {
    const id = `cus_${uniqueSuffix()}`;
    await store([loginEvent(id, new Date('2026-07-05T11:00:00Z'), { account: { id, email: 'kept@example.com' } })]);
    const rowState = async () =>
      (
        await queryRows<{ xmin: string; xmax: string }>(
          db(),
          sql`select xmin::text, xmax::text from accounts where external_id = ${id}`,
        )
      )[0]!;
    const before = await rowState();
    // A later login without contact details: only the activity moves.
    await store([loginEvent(id, new Date('2026-07-05T12:00:00Z'), { account: { id } })]);
    expect(await rowState()).toEqual(before);
    expect((await lastActivity((await account(id)).id))?.toISOString()).toBe('2026-07-05T12:00:00.000Z');
    // A newer contact does write the row.
    await store([loginEvent(id, new Date('2026-07-05T13:00:00Z'), { account: { id, email: 'moved@example.com' } })]);
    expect(await rowState()).not.toEqual(before);
    expect(await account(id)).toMatchObject({ email: 'moved@example.com' });
  });

  it('concurrent batches that meet the same new accounts create each once, and all their events point to it', async () => {
    const ids = Array.from({ length: 5 }, (_, i) => `cus_${uniqueSuffix()}_${i}`);
    const base = Date.parse('2026-07-05T14:00:00Z');
    // Eight batches at once (on the server each has its own connection), every one touching all five accounts.
    const batches = Array.from({ length: 8 }, (_, b) =>
      ids.map((id, i) =>
        loginEvent(id, new Date(base + (b * 5 + i) * 1000), { account: { id, email: `b${b}@example.com` } }),
      ),
    );
    const results = await Promise.all(batches.map((batch) => store(batch)));
    expect(results.reduce((n, r) => n + r.accepted, 0)).toBe(40);
    for (const [i, id] of ids.entries()) {
      const rows = await db().select().from(accounts).where(eq(accounts.externalId, id));
      expect(rows).toHaveLength(1);
      const a = rows[0]!;
      expect(a.id).toBe(accountIdFor(id));
      // The newest event's contact wins; first and last activity span all batches.
      expect(a.email).toBe('b7@example.com');
      expect(a.firstEventAt.getTime()).toBe(base + i * 1000);
      expect((await lastActivity(a.id))?.getTime()).toBe(base + (35 + i) * 1000);
      const logins = await db().select().from(loginEvents).where(eq(loginEvents.accountId, a.id));
      expect(logins).toHaveLength(8);
    }
  });

  it('stores a batch bigger than one statement can bind', async () => {
    const id = `cus_${uniqueSuffix()}`;
    const events = Array.from({ length: 4500 }, (_, i) =>
      loginEvent(id, new Date(Date.parse('2026-07-06T00:00:00Z') + i * 1000)),
    );
    expect(await store(events)).toMatchObject({ accepted: 4500 });
  });
});

describe('a batch stuck behind a lock', () => {
  it('is cancelled by the statement timeout, so it cannot commit after the client got its 503', async (ctx) => {
    // Needs two connections; the embedded engine runs one transaction at a time, so it runs on the server only (CI).
    if (database().kind !== 'postgres') return ctx.skip();
    const event = loginEvent(`cus_${uniqueSuffix()}`, new Date('2026-07-07T10:00:00Z'));
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let claimed = () => undefined as void;
    const isClaimed = new Promise<void>((resolve) => (claimed = resolve));
    // Another transaction claims the same event id and holds the row lock.
    const blocker = db().transaction(async (tx) => {
      await tx.insert(seenEvents).values({ eventId: event.id });
      claimed();
      await held;
      throw new Error('roll back the blocker');
    });
    await isClaimed;
    await expect(ingestBatch(db(), [event], new Date(), { statementTimeoutMs: 300 })).rejects.toThrow();
    release();
    await expect(blocker).rejects.toThrow('roll back the blocker');
    expect(await db().select().from(loginEvents).where(eq(loginEvents.eventId, event.id))).toHaveLength(0);
  });
});

describe('a new account two batches meet at once', () => {
  it('is created by one; the other waits for it before writing account rows, then updates it (no accounts_pkey error)', async (ctx) => {
    // Two connections at once; the embedded engine runs one transaction at a time, so it runs on the server only (CI).
    if (database().kind !== 'postgres') return ctx.skip();
    const id = `cus_${uniqueSuffix()}`;
    const t0 = Date.parse('2026-07-09T10:00:00Z');
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let stored = () => undefined as void;
    const isStored = new Promise<void>((resolve) => (stored = resolve));
    // The first batch has created the account and not committed yet.
    const first = db().transaction(async (tx) => {
      await storeEvents(tx, [loginEvent(id, new Date(t0), { account: { id, email: 'first@example.com' } })]);
      stored();
      await held;
    });
    await isStored;
    // The second read the account as new too (the first's row is not visible to it): it waits on the new-account lock,
    // before its insert could meet the first's row in accounts_pkey (where ON CONFLICT (external_id) cannot resolve it).
    const second = ingestBatch(
      db(),
      [loginEvent(id, new Date(t0 + 1000), { account: { id, email: 'second@example.com' } })],
      new Date(),
      {
        statementTimeoutMs: 10_000,
      },
    );
    const waitingOnNewAccount = async () =>
      (
        await queryRows<{ n: number }>(
          db(),
          sql`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted and classid = ${NEW_ACCOUNT_LOCK_CLASS}
                and database = (select oid from pg_database where datname = current_database())`,
        )
      )[0]!.n;
    for (let i = 0; i < 100 && (await waitingOnNewAccount()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await waitingOnNewAccount()).toBe(1);
    release();
    await first;
    expect(await second).toMatchObject({ accepted: 1 });
    const rows = await db().select().from(accounts).where(eq(accounts.externalId, id));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ id: accountIdFor(id), email: 'second@example.com' });
    expect(
      await db()
        .select()
        .from(loginEvents)
        .where(eq(loginEvents.accountId, accountIdFor(id))),
    ).toHaveLength(2);
  });
});

describe('the rows batches share', () => {
  it('are locked last: a batch waiting on a code row holds no account row, so other batches of that account go on', async (ctx) => {
    // Three connections at once; the embedded engine runs one transaction at a time, so it runs on the server only (CI).
    if (database().kind !== 'postgres') return ctx.skip();
    const id = `cus_${uniqueSuffix()}`;
    const t0 = Date.parse('2026-07-08T10:00:00Z');
    const code = (type: 'otp.issued' | 'otp.delivered', at: number) =>
      otpEvent({ id }, 'otp_shared', new Date(at), { type });
    await ingestBatch(db(), [code('otp.issued', t0)]);
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // Another transaction holds the code's row (as a batch with the same code's other events would until it commits).
    let holding = () => undefined as void;
    const isHeld = new Promise<void>((resolve) => (holding = resolve));
    const blocker = db().transaction(async (tx) => {
      await tx.execute(
        sql`select 1 from otp_codes where account_id = ${accountIdFor(id)} and otp_id = 'otp_shared' for update`,
      );
      holding();
      await held;
    });
    await isHeld;
    // This batch waits on the code's row; it also moves the account's last activity.
    const waiting = ingestBatch(db(), [code('otp.delivered', t0 + 5_000)], new Date(), { statementTimeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    // A batch that moves the same account's activity and contact: it must not queue behind the waiting one. Had the
    // waiting batch locked its account and activity rows before its codes, this one would wait until the timeout.
    const other = await ingestBatch(
      db(),
      [loginEvent(id, new Date(t0 + 10_000), { account: { id, email: 'other@example.com' } })],
      new Date(),
      { statementTimeoutMs: 1_500 },
    ).finally(release);
    expect(other.accepted).toBe(1);
    await blocker;
    expect((await waiting).accepted).toBe(1);
    expect((await lastActivity(accountIdFor(id)))?.toISOString()).toBe(new Date(t0 + 10_000).toISOString());
    expect(await account(id)).toMatchObject({ email: 'other@example.com' });
  });
});

describe('one statement of several writes', () => {
  it('runs its parts in the order given, so their row locks are taken in that order', async () => {
    const order = await db().transaction(async (tx) => {
      await tx.execute(sql`create temp table write_order (n serial, part text) on commit drop`);
      await tx.execute(
        inOneStatement(
          ['first', 'second', 'third'].map((part) => sql`insert into write_order (part) values (${part})`),
        ),
      );
      return queryRows<{ part: string }>(tx, sql`select part from write_order order by n`);
    });
    expect(order.map((r) => r.part)).toEqual(['first', 'second', 'third']);
  });
});

describe("a batch's code rows", () => {
  it('are held for its last statement only: the notices come before them, the latency counts with the shared rows', async () => {
    const id = `cus_${uniqueSuffix()}`;
    const t0 = Date.parse('2026-07-09T10:00:00Z');
    const code = (type: 'otp.issued' | 'otp.delivered', at: number) =>
      otpEvent({ id, email: 'codes@example.com' }, 'otp_window', new Date(at), { type });
    await store([code('otp.issued', t0)]);
    // The batch's statements in the order it sends them: the SQL of each execute, the table of each insert.
    const sent: string[] = [];
    await db().transaction((tx) => {
      const watched = new Proxy(tx, {
        get(target, key, receiver) {
          const value = Reflect.get(target, key, receiver) as unknown;
          if (key === 'execute')
            return (query: SQL) => {
              sent.push(new PgDialect().sqlToQuery(query).sql);
              return target.execute(query);
            };
          if (key === 'insert')
            return (table: PgTable) => {
              sent.push(`insert into ${getTableName(table)}`);
              return target.insert(table);
            };
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      return storeEvents(watched, [
        code('otp.delivered', t0 + 4_000),
        loginEvent(id, new Date(t0 + 8_000), { notifyCustomer: true }),
      ]);
    });
    const notices = sent.findIndex((q) => /insert into outbox/.test(q));
    const codes = sent.findIndex((q) => /insert into otp_codes/.test(q));
    expect(codes).toBeGreaterThan(notices);
    expect(notices).toBeGreaterThan(-1);
    // After the code rows are locked, one statement until the commit: the latency and the shared rows together.
    expect(sent.slice(codes + 1)).toHaveLength(1);
    for (const write of [/update otp_codes/, /insert into otp_latency_hourly/, /insert into accounts/])
      expect(sent[codes + 1]).toMatch(write);
    const [counted] = await queryRows<{ n: number }>(
      db(),
      sql`select sum(count)::int as n from otp_latency_hourly where hour = ${new Date(t0).toISOString()}::timestamptz
            and measure = 'delivered' and bucket = '5'`,
    );
    // The one code of that hour, delivered after 4 s: counted once.
    expect(counted!.n).toBe(1);
  });
});
