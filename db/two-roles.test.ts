import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateDatabase, openPostgres } from './client';
import { createPartitionStatement } from './partitions';

/*
 * The two-role setup on the real PostgreSQL server (what CI runs on): migrations as an owner role, the application
 * as a role that may only INSERT and SELECT on the audit log. The embedded engine has one user and no roles, so
 * this file runs where DATABASE_URL names a server (always in CI, see .ci/run).
 */
const serverUrl = process.env.DATABASE_URL;
const tag = randomBytes(4).toString('hex');
const names = { db: `vigil_roles_${tag}`, owner: `vigil_owner_${tag}`, app: `vigil_app_${tag}` };
const withUser = (url: string, user: string, db: string) => {
  const u = new URL(url);
  u.username = user;
  u.password = 'pw';
  u.pathname = `/${db}`;
  return u.toString();
};

describe.runIf(serverUrl)('two database roles', () => {
  const admin = postgres(serverUrl!, { max: 1, onnotice: () => undefined });
  afterAll(async () => {
    await admin.unsafe(`drop database if exists ${names.db} with (force)`);
    await admin.unsafe(`drop role if exists ${names.app}`);
    await admin.unsafe(`drop role if exists ${names.owner}`);
    await admin.end();
  });

  it('the app role can insert and read audit rows, and nothing else: no update, delete, truncate, trigger off, drop', async () => {
    await admin.unsafe(`create role ${names.owner} login password 'pw'`);
    await admin.unsafe(`create role ${names.app} login password 'pw'`);
    await admin.unsafe(`create database ${names.db} owner ${names.owner}`);
    const ownerUrl = withUser(serverUrl!, names.owner, names.db);
    const appUrl = withUser(serverUrl!, names.app, names.db);
    // pg_trgm needs a superuser on PostgreSQL 15: an operator creates it once, as the README says.
    const asAdmin = postgres(withUser(serverUrl!, new URL(serverUrl!).username || 'postgres', names.db), {
      max: 1,
      onnotice: () => undefined,
    });
    await asAdmin.unsafe('create extension if not exists pg_trgm');
    await asAdmin.end();

    const database = openPostgres(appUrl, { max: 2 });
    try {
      // The owner changes the app's run-time tables (which the app owns) in later migrations as a member of the app
      // role: without that membership Vigil says what to run, before migrating anything.
      await expect(migrateDatabase(database, { ownerUrl })).rejects.toThrow(
        new RegExp(`must be a member[\\s\\S]*GRANT ${names.app} TO ${names.owner}`),
      );
      await admin.unsafe(`grant ${names.app} to ${names.owner}`);
      await migrateDatabase(database, { ownerUrl });
      const app = postgres(appUrl, { max: 1, onnotice: () => undefined });
      try {
        await app`insert into audit_log (actor_email, actor_role, action, target_type, target_id) values ('t', 'system', 'test.write', 'test', 'x')`;
        const [row] = await app<{ id: number }[]>`select id from audit_log where action = 'test.write'`;
        expect(row).toBeDefined();
        // It makes the audit log's months ahead only through the owner's function.
        const auditMonth = `audit_log_p${new Date().toISOString().slice(0, 7).replace('-', '_')}`;
        const [ahead] = await app<
          { made: string[] }[]
        >`select audit_log_ensure_months(now() + interval '200 days') as made`;
        expect(ahead!.made.length).toBeGreaterThan(0);
        const madeLater = ahead!.made.at(-1)!;
        // The function runs as the owner: a function the app plants in the schema, shadowing a built-in one the
        // function calls, must not run with the owner's rights (its search_path is pg_catalog alone).
        // (array_append is polymorphic in pg_catalog: an exact-typed one in the schema would win if it were on the path.)
        await app.unsafe(`create function public.array_append(a text[], b text) returns text[] language sql
          as $$ with i as (insert into settings (key, value) values ('hijacked-' || current_user, '1'::jsonb) on conflict (key) do nothing)
                select pg_catalog.array_append(a, b) $$`);
        // A new session: PL/pgSQL keeps the plans it made in this one.
        const fresh = postgres(appUrl, { max: 1, onnotice: () => undefined });
        const [more] = await fresh<
          { made: string[] }[]
        >`select audit_log_ensure_months(now() + interval '300 days') as made`.finally(() => fresh.end());
        expect(more!.made.length).toBeGreaterThan(0);
        const hijacked = await app<{ key: string }[]>`select key from settings where key like 'hijacked-%'`;
        expect(hijacked).toEqual([]);
        await app.unsafe('drop function public.array_append(text[], text)');
        for (const statement of [
          `update audit_log set action = 'tampered' where id = ${row!.id}`,
          `delete from audit_log where id = ${row!.id}`,
          'truncate audit_log',
          'alter table audit_log disable trigger all',
          'drop table audit_log',
          'drop function audit_log_refuse_change() cascade',
          'alter table audit_log owner to current_user',
          // Its monthly partitions, made at migration and by the function at run time, are the owner's too.
          `delete from ${auditMonth}`,
          `update ${auditMonth} set action = 'tampered'`,
          `truncate ${auditMonth}`,
          `truncate audit_log_default`,
          `alter table audit_log detach partition ${auditMonth}`,
          `drop table ${auditMonth}`,
          `drop table ${madeLater}`,
          'drop function audit_log_ensure_months(timestamptz)',
          `create or replace function audit_log_ensure_months(through timestamptz) returns text[] language sql as 'select null::text[]'`,
        ]) {
          await expect(app.unsafe(statement), statement).rejects.toThrow(/permission denied|must be owner/);
        }
        // Ordinary run-time writes elsewhere still work for the app role.
        await app`insert into settings (key, value) values (${`two-roles-${tag}`}, '1'::jsonb)`;
        await app`update settings set value = '2'::jsonb where key = ${`two-roles-${tag}`}`;
        await app`delete from settings where key = ${`two-roles-${tag}`}`;
        const [still] = await app<{ action: string }[]>`select action from audit_log where id = ${row!.id}`;
        expect(still!.action).toBe('test.write');
        // It makes a month's partition for a late event, and detaches and drops one past retention (it owns them).
        await app.unsafe(createPartitionStatement('login_events', new Date('2011-03-01T00:00:00Z')));
        await app`insert into login_events (event_id, account_id, occurred_at, outcome) values ('late', gen_random_uuid(), '2011-03-02T00:00:00Z', 'succeeded')`;
        await app.unsafe('alter table login_events detach partition login_events_p2011_03 concurrently');
        await app.unsafe('drop table login_events_p2011_03');
        // A later migration run by the owner still works on tables the app owns.
        await migrateDatabase(database, { ownerUrl });
      } finally {
        await app.end();
      }
    } finally {
      await database.close();
    }
  });

  it('`vigil retention run` drops audit months past VIGIL_RETENTION_AUDIT_DAYS as the migration role, and audits it', async () => {
    const ownerUrl = withUser(serverUrl!, names.owner, names.db);
    const appUrl = withUser(serverUrl!, names.app, names.db);
    const owner = postgres(ownerUrl, { max: 1, onnotice: () => undefined });
    try {
      await owner.unsafe(
        `create table audit_log_p2021_01 partition of audit_log for values from ('2021-01-01T00:00:00Z') to ('2021-02-01T00:00:00Z')`,
      );
      await owner`insert into audit_log (occurred_at, actor_email, actor_role, action, target_type, target_id)
        values ('2021-01-09T00:00:00Z', 'ops@example.com', 'admin', 'test.old', 'test', 'x')`;
      const cli = (env: Record<string, string>) =>
        spawnSync('node_modules/.bin/tsx', ['scripts/vigil.ts', 'retention', 'run'], {
          env: { ...process.env, DATABASE_URL: appUrl, VIGIL_RETENTION_AUDIT_DAYS: '365', ...env },
          encoding: 'utf8',
        });
      const run = cli({ VIGIL_MIGRATION_DATABASE_URL: ownerUrl });
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/audit month audit_log_p2021_01 \(2021-01-01 to 2021-02-01, 1 rows\): dropped/);
      const [gone] = await owner<
        { n: number }[]
      >`select count(*)::int as n from pg_class where relname = 'audit_log_p2021_01'`;
      expect(gone!.n).toBe(0);
      const [audit] = await owner<{ after: { droppedAuditMonths: unknown } }[]>`
        select after from audit_log where action = 'retention.run' order by id desc limit 1`;
      expect(audit!.after.droppedAuditMonths).toEqual([{ name: 'audit_log_p2021_01', rows: 1 }]);
      const [month] = await owner<{ actor_email: string }[]>`
        select actor_email from audit_log where action = 'audit.month_dropped' and target_id = 'audit_log_p2021_01'`;
      expect(month!.actor_email).toMatch(/^cli:/);
    } finally {
      await owner.end();
    }
  });

  it('refuses to start when the separation would be a pretence: a superuser app role, or one owning the audit guard', async () => {
    const db2 = `${names.db}_b`;
    const legacy = `${names.app}_legacy`;
    await admin.unsafe(`create role ${legacy} login password 'pw'`);
    await admin.unsafe(`create database ${db2} owner ${legacy}`);
    try {
      const asAdmin = postgres(withUser(serverUrl!, new URL(serverUrl!).username || 'postgres', db2), {
        max: 1,
        onnotice: () => undefined,
      });
      await asAdmin.unsafe('create extension if not exists pg_trgm');
      await asAdmin.unsafe(`grant all on schema public to ${legacy}`);
      await asAdmin.end();
      const ownerUrl = withUser(serverUrl!, names.owner, db2);

      // A one-role past: the app role ran the migrations itself and owns the audit log and its trigger function.
      const legacyDb = openPostgres(withUser(serverUrl!, legacy, db2), { max: 2 });
      try {
        await migrateDatabase(legacyDb);
        await expect(migrateDatabase(legacyDb, { ownerUrl })).rejects.toThrow(
          /owns audit_log and audit_log_refuse_change[\s\S]*REASSIGN OWNED BY/,
        );
      } finally {
        await legacyDb.close();
      }

      // The server's superuser as the app role.
      const superDb = openPostgres(withUser(serverUrl!, new URL(serverUrl!).username || 'postgres', db2), { max: 2 });
      try {
        await expect(migrateDatabase(superDb, { ownerUrl })).rejects.toThrow(/a superuser/);
      } finally {
        await superDb.close();
      }
    } finally {
      await admin.unsafe(`drop database if exists ${db2} with (force)`);
      await admin.unsafe(`drop owned by ${legacy}`).catch(() => undefined);
      await admin.unsafe(`drop role if exists ${legacy}`);
    }
  });
});
