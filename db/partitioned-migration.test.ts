import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { sql } from 'drizzle-orm';
import { openPglite, openPostgres, queryRows, type Database } from './client';

/*
 * Migration 0033 converts an installation's event tables in place: the rows (with their ids), the indexes and the
 * primary key survive, every month with data gets its partition, and new rows go on numbering after the old ones.
 * Run on the server when DATABASE_URL is given (CI), else on the embedded engine.
 */
const migrations = path.join(process.cwd(), 'db', 'migrations');

/** The migrations folder as it was before a migration (journal cut after `last`: 32 before 0033). */
function foldersBeforePartitioning(last = 32): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-mig-'));
  fs.cpSync(migrations, dir, { recursive: true });
  const journalPath = path.join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(fs.readFileSync(journalPath, 'utf8')) as { entries: { idx: number }[] };
  journal.entries = journal.entries.filter((e) => e.idx <= last);
  fs.writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

const templateUrl = inject('templateDatabaseUrl');
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

/** An empty database and a way to migrate it with a given folder. */
async function emptyDatabase(): Promise<{ database: Database; migrateWith: (folder: string) => Promise<void> }> {
  if (!templateUrl) {
    const database = await openPglite();
    cleanups.push(() => database.close());
    return { database, migrateWith: (folder) => migratePglite(database.db as never, { migrationsFolder: folder }) };
  }
  const name = `vigil_mig_${randomBytes(5).toString('hex')}`;
  const admin = postgres(templateUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(templateUrl);
  url.pathname = `/${name}`;
  const asAdmin = postgres(url.toString(), { max: 1, onnotice: () => undefined });
  await asAdmin.unsafe('create extension if not exists pg_trgm');
  await asAdmin.end();
  const database = openPostgres(url.toString(), { max: 2 });
  cleanups.push(async () => {
    await database.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });
  return {
    database,
    migrateWith: async (folder) => {
      const single = postgres(url.toString(), { max: 1, onnotice: () => undefined });
      try {
        await migratePostgres(drizzlePostgres(single), { migrationsFolder: folder });
      } finally {
        await single.end();
      }
    },
  };
}

describe('migration 0033: event tables partitioned in place', () => {
  it('keeps every row and id, the indexes and the key, and numbers new rows after the old ones', async () => {
    const { database, migrateWith } = await emptyDatabase();
    const { db } = database;
    await migrateWith(foldersBeforePartitioning());
    // An installation's rows in January, February and May (no login in March or April).
    await db.execute(sql`insert into login_events (event_id, account_id, occurred_at, outcome, ip, country)
      select 'l' || g, gen_random_uuid(), timestamptz '2026-01-15T00:00:00Z' + (g % 3) * interval '31 days' * (case when g % 3 = 2 then 2 else 1 end),
        case when g % 5 = 0 then 'failed' else 'succeeded' end, '198.51.100.7', 'GB'
      from generate_series(1, 300) g`);
    await db.execute(sql`insert into otp_events (event_id, account_id, occurred_at, otp_id, kind, channel, purpose)
      select 'o' || g, gen_random_uuid(), timestamptz '2026-03-01T00:00:00Z' + g * interval '1 minute', 'c' || g, 'issued', 'sms', 'login'
      from generate_series(1, 50) g`);
    await db.execute(sql`insert into account_events (event_id, account_id, occurred_at, type)
      values ('a1', gen_random_uuid(), '2026-02-02T00:00:00Z', 'password_changed')`);
    const snapshot = async (table: string) =>
      queryRows<{ id: number; event_id: string; occurred_at: string }>(
        db,
        sql.raw(`select id, event_id, occurred_at::text from ${table} order by id`),
      );
    const indexes = async (table: string) =>
      (
        await queryRows<{ indexname: string }>(
          db,
          sql`select indexname from pg_indexes where tablename = ${table} order by indexname`,
        )
      ).map((r) => r.indexname);
    const before = {
      login: await snapshot('login_events'),
      otp: await snapshot('otp_events'),
      account: await snapshot('account_events'),
      loginIndexes: await indexes('login_events'),
      otpIndexes: await indexes('otp_events'),
    };
    expect(before.login).toHaveLength(300);

    await migrateWith(migrations);

    const partitioned = await queryRows<{ relname: string }>(
      db,
      sql`select c.relname from pg_partitioned_table p join pg_class c on c.oid = p.partrelid order by 1`,
    );
    expect(partitioned.map((r) => r.relname)).toEqual(['account_events', 'audit_log', 'login_events', 'otp_events']);
    expect(await snapshot('login_events')).toEqual(before.login);
    expect(await snapshot('otp_events')).toEqual(before.otp);
    expect(await snapshot('account_events')).toEqual(before.account);
    // The same indexes, less the time-only ones migration 0040 drops (the key leads with the time).
    expect(before.loginIndexes).toContain('login_events_time_idx');
    expect(await indexes('login_events')).toEqual(before.loginIndexes.filter((i) => i !== 'login_events_time_idx'));
    expect(await indexes('otp_events')).toEqual(before.otpIndexes.filter((i) => i !== 'otp_events_time_idx'));
    // Every month from the oldest row on has its partition, the empty March and April too.
    const months = (
      await queryRows<{ relname: string }>(
        db,
        sql`select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'login_events'::regclass order by 1`,
      )
    ).map((r) => r.relname);
    expect(months.slice(0, 5)).toEqual([
      'login_events_p2026_01',
      'login_events_p2026_02',
      'login_events_p2026_03',
      'login_events_p2026_04',
      'login_events_p2026_05',
    ]);
    // New rows are numbered after the old ones.
    const [fresh] = await queryRows<{ id: number }>(
      db,
      sql`insert into login_events (event_id, account_id, occurred_at, outcome) values ('new', gen_random_uuid(), '2026-01-20T00:00:00Z', 'succeeded') returning id`,
    );
    expect(Number(fresh!.id)).toBeGreaterThan(Math.max(...before.login.map((r) => Number(r.id))));
    // The primary key is there (occurred_at, id).
    const [pk] = await queryRows<{ def: string }>(
      db,
      sql`select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'login_events'::regclass and contype = 'p'`,
    );
    expect(pk!.def).toBe('PRIMARY KEY (occurred_at, id)');
  });
});

describe('migration 0037: the audit log partitioned in place', () => {
  it('keeps every row and id, stays append-only, makes months ahead through its function, and a stray month lands in the default', async () => {
    const { database, migrateWith } = await emptyDatabase();
    const { db } = database;
    await migrateWith(foldersBeforePartitioning(36));
    await db.execute(sql`insert into audit_log (occurred_at, actor_email, actor_role, action, target_type, target_id)
      select timestamptz '2025-10-10T00:00:00Z' + g * interval '9 days', 'ops@example.com', 'admin', 'test.' || g, 'test', g::text
      from generate_series(1, 40) g`);
    const rows = () =>
      queryRows<{ id: number; action: string; occurred_at: string }>(
        db,
        sql`select id, action, occurred_at::text from audit_log order by id`,
      );
    const indexes = async () =>
      (
        await queryRows<{ indexname: string }>(
          db,
          sql`select indexname from pg_indexes where tablename = 'audit_log' and indexname not like '%pkey' and indexname not like '%_pk' order by 1`,
        )
      ).map((r) => r.indexname);
    const before = { rows: await rows(), indexes: await indexes() };
    expect(before.rows).toHaveLength(40);

    await migrateWith(migrations);

    expect(await rows()).toEqual(before.rows);
    // The same indexes, and (0038) one on id alone, for the audit page's cursor now that the key holds the time.
    expect(await indexes()).toEqual([...before.indexes, 'audit_log_id_idx'].sort());
    const [pk] = await queryRows<{ def: string }>(
      db,
      sql`select pg_get_constraintdef(oid) as def from pg_constraint where conrelid = 'audit_log'::regclass and contype = 'p'`,
    );
    expect(pk!.def).toBe('PRIMARY KEY (occurred_at, id)');
    const months = async () =>
      (
        await queryRows<{ relname: string }>(
          db,
          sql`select c.relname from pg_inherits i join pg_class c on c.oid = i.inhrelid where i.inhparent = 'audit_log'::regclass order by 1`,
        )
      ).map((r) => r.relname);
    expect((await months()).slice(0, 3)).toEqual(['audit_log_default', 'audit_log_p2025_10', 'audit_log_p2025_11']);
    // Still append-only, on the parent and on a month.
    for (const statement of [
      `update audit_log set action = 'tampered' where action = 'test.1'`,
      `delete from audit_log_p2025_10`,
      `truncate audit_log`,
      `truncate audit_log_p2025_10`,
      `truncate audit_log_default`,
    ]) {
      const refused = await db.execute(sql.raw(statement)).then(
        () => null,
        (e: unknown) => e as Error & { cause?: Error },
      );
      expect(`${refused?.message} ${refused?.cause?.message}`).toMatch(/append-only/);
    }
    // New rows are numbered after the old ones; one far ahead lands in the default partition, and the function then
    // leaves that month alone (making it would fail on the row), while it makes the others.
    const [fresh] = await queryRows<{ id: number }>(
      db,
      sql`insert into audit_log (occurred_at, actor_email, actor_role, action, target_type, target_id)
          values ('2031-05-05T00:00:00Z', 'ops@example.com', 'admin', 'test.late', 'test', 'x') returning id`,
    );
    expect(Number(fresh!.id)).toBeGreaterThan(Math.max(...before.rows.map((r) => Number(r.id))));
    const [stray] = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from audit_log_default`);
    expect(stray!.n).toBe(1);
    // A stray row for the month after next: the function makes the months before it, leaves that one to the default.
    const next2 = new Date();
    next2.setUTCDate(1);
    next2.setUTCMonth(next2.getUTCMonth() + 4);
    const name = (d: Date) => `audit_log_p${d.toISOString().slice(0, 7).replace('-', '_')}`;
    await db.execute(sql`insert into audit_log (occurred_at, actor_email, actor_role, action, target_type, target_id)
        values (${next2.toISOString()}::timestamptz, 'ops@example.com', 'admin', 'test.stray', 'test', 'y')`);
    const [made] = await queryRows<{ made: string[] }>(
      db,
      sql`select audit_log_ensure_months(now() + interval '150 days') as made`,
    );
    const before3 = new Date(next2);
    before3.setUTCMonth(before3.getUTCMonth() - 1);
    expect(made!.made).toContain(name(before3));
    expect(made!.made).not.toContain(name(next2));
    const [none] = await queryRows<{ made: string[] }>(
      db,
      sql`select audit_log_ensure_months(now() + interval '150 days') as made`,
    );
    expect(none!.made).toEqual([]);
    // Each new month refuses TRUNCATE too.
    const refusedNew = await db.execute(sql.raw(`truncate ${name(before3)}`)).then(
      () => null,
      (e: unknown) => e as Error & { cause?: Error },
    );
    expect(`${refusedNew?.message} ${refusedNew?.cause?.message}`).toMatch(/append-only/);
  });
});
