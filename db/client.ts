import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import lockfile from 'proper-lockfile';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import type { SQL } from 'drizzle-orm';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from './schema';

type Schema = typeof schema;
/** Both engines behind one type: every query in lib/ is written once against this. */
export type Db = PgDatabase<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** postgres.js client, for COPY in the bulk seed path; absent on the embedded engine. */
  pg?: postgres.Sql;
  url?: string;
  /**
   * Runs `work` on one connection of its own (session settings such as lock_timeout hold for its statements, and
   * statements that refuse a transaction block, such as DETACH PARTITION … CONCURRENTLY, run outside one). Session
   * settings `work` makes must be reset by it before it returns: the connection goes back to the pool.
   */
  dedicated<T>(work: (db: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export class DatabaseLockedError extends Error {
  override name = 'DatabaseLockedError';
}

const migrationsFolder = path.join(process.cwd(), 'db', 'migrations');

export function openPostgres(url: string, options: { max?: number } = {}): Database {
  const pg = postgres(url, {
    max: options.max ?? 10,
    connect_timeout: 3,
    idle_timeout: 30,
    // postgres.js waits before reconnecting, 3^n / 100 s after n failures by default, up to 20 s: after an 8 s
    // database outage the first requests waited 12–20 s for the pool to try again (`npm run chaos`, scenario 1).
    // Refused connections fail at once, so a short, capped wait costs nothing and recovery is within half a second.
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 0.5),
    onnotice: () => undefined,
    connection: { application_name: 'vigil' },
  });
  const db = drizzlePostgres(pg, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    pg,
    url,
    async dedicated(work) {
      const reserved = await pg.reserve();
      // drizzle reads the client's options (its type parsers); a reserved connection shares the pool's.
      Object.assign(reserved, { options: pg.options });
      try {
        return await work(drizzlePostgres(reserved, { schema }));
      } finally {
        reserved.release();
      }
    },
    close: () => pg.end({ timeout: 5 }),
  };
}

/**
 * PGlite has no lock between processes and two writers silently lose data, so the data
 * dir is guarded by a lock directory beside it (proper-lockfile: atomic mkdir, kept fresh by its holder,
 * taken over only once stale), which survives crashes and reused process ids.
 */
function acquireDataDirLock(dataDir: string): () => void {
  const target = path.resolve(dataDir);
  const lockfilePath = `${target}.lock`;
  try {
    const release = lockfile.lockSync(target, {
      lockfilePath,
      realpath: false,
      stale: 30_000,
      update: 5_000,
      onCompromised: (error) =>
        console.error(`vigil: the lock on ${dataDir} was lost (${error.message}); stop other processes using it.`),
    });
    // The holder's pid sits beside the lock, not inside it: a file written into the lock directory changes
    // its mtime, and proper-lockfile then takes its own lock for compromised and stops refreshing it.
    fs.writeFileSync(`${lockfilePath}.pid`, String(process.pid));
    let released = false;
    const releaseOnce = () => {
      if (released) return;
      released = true;
      try {
        fs.rmSync(`${lockfilePath}.pid`, { force: true });
        release();
      } catch {
        // already released or taken over
      }
    };
    process.once('exit', releaseOnce);
    return releaseOnce;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOCKED') throw error;
    let holder = 'another process';
    try {
      holder = `another process (pid ${fs.readFileSync(`${lockfilePath}.pid`, 'utf8').trim()})`;
    } catch {
      // the holder has not written its pid yet
    }
    throw new DatabaseLockedError(
      `The embedded database in ${dataDir} is in use by ${holder}, probably the running Vigil server. ` +
        'Stop it first, or set DATABASE_URL to use a PostgreSQL server, which any number of processes can share.',
    );
  }
}

/** Opens the embedded engine. `dataDir` undefined = in memory (quick unit tests). */
export async function openPglite(dataDir?: string): Promise<Database> {
  let release = () => undefined as void;
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true }); // PGlite does not create parent folders
    release = acquireDataDirLock(dataDir);
  }
  try {
    const client = await PGlite.create({ dataDir, extensions: { pg_trgm } });
    const db = drizzlePglite(client, { schema }) as unknown as Db;
    return {
      db,
      kind: 'pglite',
      // One connection already: statements run one after another on it.
      dedicated: (work) => work(db),
      close: async () => {
        await client.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/** Where the data lives: a PostgreSQL server's URL, else the embedded engine's data folder. */
export interface DatabaseConfig {
  url?: string;
  dataDir: string;
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.url ? openPostgres(config.url) : openPglite(config.dataDir);
}

/**
 * Applies pending migrations; on a server, under an advisory lock so several Vigil servers can start at once.
 *
 * Two roles (optional, `ownerUrl`): migrations run as an owner role, and the application's own role (the user of
 * the database's URL) is then granted only what it needs: on the audit log exactly INSERT and SELECT (it cannot
 * UPDATE, DELETE, TRUNCATE, disable its triggers or drop it: those need the owner), on every other table the
 * reads and writes it makes at run time.
 */
export async function migrateDatabase(database: Database, options: { ownerUrl?: string } = {}): Promise<void> {
  if (database.kind === 'pglite') {
    await migratePglite(database.db as never, { migrationsFolder });
    return;
  }
  const single = postgres(options.ownerUrl ?? database.url!, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  try {
    await single`select pg_advisory_lock(7419020501)`;
    const appRole = options.ownerUrl ? await separateRole(single, database.url!) : null;
    await migratePostgres(drizzlePostgres(single), { migrationsFolder });
    if (appRole) await grantApplicationRole(single, appRole);
  } finally {
    await single.end({ timeout: 5 }); // ending the session also releases the advisory lock
  }
}

/**
 * The application's role when it differs from the owner's (null when both URLs name one role). Refuses when the
 * separation would be a pretence — checked before migrating, so the operator gets this message rather than a
 * permission error from inside a migration.
 */
async function separateRole(owner: postgres.Sql, appUrl: string): Promise<string | null> {
  const app = postgres(appUrl, { max: 1, connect_timeout: 3, onnotice: () => undefined });
  let role: string;
  try {
    role = (await app<{ user: string }[]>`select current_user as user`)[0]!.user;
  } finally {
    await app.end({ timeout: 5 });
  }
  const [{ me } = { me: '' }] = await owner<{ me: string }[]>`select current_user as me`;
  if (role === me) return null; // one role after all: nothing to separate
  // A superuser ignores every grant, and a role that owns the audit log or its trigger function (left from a
  // one-role past) could drop the guard with CASCADE.
  const [found] = await owner<{ superuser: boolean; owned: string[] }[]>`
    select r.rolsuper as superuser,
      array(select c.relname::text from pg_class c where c.relowner = r.oid and c.relname ~ '^audit_log(_p[0-9]{4}_[0-9]{2}|_default)?$'
            union all
            select p.proname::text from pg_proc p where p.proowner = r.oid
              and p.proname in ('audit_log_refuse_change', 'audit_log_ensure_months')) as owned
    from pg_roles r where r.rolname = ${role}`;
  if (found?.superuser) {
    throw new Error(
      `DATABASE_URL connects as ${role}, a superuser: with VIGIL_MIGRATION_DATABASE_URL set, the application's role must be an ordinary role (a superuser can change or drop the audit log whatever it is granted).`,
    );
  }
  if (found && found.owned.length > 0) {
    const shown = found.owned.filter((n) => !/^audit_log_(p\d{4}_\d{2}|default)$/.test(n));
    const partitions = found.owned.length - shown.length;
    throw new Error(
      `DATABASE_URL's role ${role} owns ${shown.join(' and ')}${partitions > 0 ? ` (and ${partitions} audit_log partitions)` : ''} (from running with one role before): as a superuser run "REASSIGN OWNED BY ${role} TO ${me}" in this database, then start again.`,
    );
  }
  // The app role owns the tables it manages at run time (it makes and drops event partitions, db/partitions.ts); the
  // migration role must still be able to change them in later migrations, as a member of the app role.
  const [member] = await owner<{ ok: boolean }[]>`select pg_has_role(current_user, ${role}, 'MEMBER') as ok`;
  if (!member?.ok) {
    throw new Error(
      `The migration role ${me} must be a member of DATABASE_URL's role ${role}, which owns the event tables and makes their monthly partitions at run time: as a superuser run "GRANT ${role} TO ${me}", then start again.`,
    );
  }
  return role;
}

async function grantApplicationRole(owner: postgres.Sql, role: string): Promise<void> {
  const r = owner(role);
  // CREATE: it makes the event tables' monthly partitions at run time (db/partitions.ts).
  await owner`grant usage, create on schema public to ${r}`;
  await owner`grant select, insert, update, delete on all tables in schema public to ${r}`;
  await owner`grant usage, select, update on all sequences in schema public to ${r}`;
  // The audit log and each of its monthly partitions: read and append, nothing else. The app makes months ahead
  // only through audit_log_ensure_months, which runs as the owner (migration 0037).
  const auditParts = await owner<{ name: string }[]>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'audit_log'::regclass`;
  for (const table of ['audit_log', ...auditParts.map((p) => p.name)]) {
    await owner`revoke update, delete, truncate, references, trigger on ${owner(table)} from ${r}`;
    await owner`grant select, insert on ${owner(table)} to ${r}`;
  }
  await owner`grant execute on function audit_log_ensure_months(timestamptz) to ${r}`;
  await owner`alter default privileges in schema public grant select, insert, update, delete on tables to ${r}`;
  await owner`alter default privileges in schema public grant usage, select, update on sequences to ${r}`;
  // What the application manages at run time is its own: the event tables and their partitions (it makes next
  // months' and drops those past retention), the seen-id ledger and the rollups. The audit log stays the owner's.
  const partitions = await owner<{ name: string }[]>`
    select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid join pg_class p on p.oid = i.inhparent
    where p.relname in ('login_events', 'otp_events', 'account_events') and p.relnamespace = current_schema()::regnamespace`;
  for (const table of [...runtimeOwnedTables, ...partitions.map((p) => p.name)])
    await owner`alter table ${owner(table)} owner to ${r}`;
}

/** The tables the application's role owns in the two-role setup (see grantApplicationRole). */
const runtimeOwnedTables = [
  'login_events',
  'otp_events',
  'account_events',
  'seen_events',
  'otp_codes',
  'otp_rollup_hourly',
  'login_rollup_hourly',
  'otp_rollup_daily',
  'login_rollup_daily',
  'otp_rollup_daily_all',
  'login_rollup_daily_all',
  'otp_prefix_rollup_minute',
  'otp_prefix_rollup_hourly',
  'otp_latency_hourly',
];

/** Rows of a raw query, whichever engine ran it (postgres.js returns an array, PGlite `{ rows }`). */
export async function queryRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result: unknown = await db.execute(query);
  if (Array.isArray(result)) return result as T[];
  return (result as { rows?: T[] }).rows ?? [];
}

/**
 * A query built once per database handle (or transaction) instead of on every call, for the few reads on a hot
 * path: drizzle's query builder costs more than the indexed lookup it builds. `build` makes a drizzle prepared
 * query with `sql.placeholder`s.
 */
export function preparedPerHandle<Q>(build: (db: DbOrTx) => Q): (db: DbOrTx) => Q {
  const built = new WeakMap<DbOrTx, Q>();
  return (db) => {
    let query = built.get(db);
    if (!query) {
      query = build(db);
      built.set(db, query);
    }
    return query;
  };
}
