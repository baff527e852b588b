import { openDatabase as open, type Database, type Db } from '@/db/client';
export { isDatabaseContention, isDatabaseUnavailable, withDeadline } from '@/db/errors';
import { env } from '@/lib/env';

/** Opens the database the environment names: DATABASE_URL's server, else the embedded engine in VIGIL_DATA_DIR. */
export function openDatabase(): Promise<Database> {
  const e = env();
  return open({ url: e.DATABASE_URL, dataDir: e.VIGIL_DATA_DIR });
}

const globalForDb = globalThis as unknown as { vigilDatabase?: Promise<Database> };

/** The process-wide database (one per process, also across Next's route bundles). */
export function database(): Promise<Database> {
  globalForDb.vigilDatabase ??= openDatabase().catch((error: unknown) => {
    globalForDb.vigilDatabase = undefined;
    throw error;
  });
  return globalForDb.vigilDatabase;
}

/**
 * Graceful shutdown (scripts/serve.ts): closes the pool, after the requests and background passes that used
 * it. Nothing reopens it afterwards (a late caller gets a connection-ended error, which routes answer 503),
 * so the embedded engine's lock is not taken again by a process on its way out.
 */
export async function closeDatabase(): Promise<void> {
  const open = globalForDb.vigilDatabase;
  const closed = Promise.reject(
    Object.assign(new Error('the database is closed: this server is shutting down'), { code: 'CONNECTION_ENDED' }),
  );
  closed.catch(() => undefined); // a rejection nobody awaited yet is not an unhandled one
  globalForDb.vigilDatabase = closed;
  const database = await open?.catch(() => undefined);
  await database?.close();
}

export async function getDb(): Promise<Db> {
  return (await database()).db;
}

/** Tests that drive a route handler or an adapter hand it their own database. */
export function setDatabaseForTests(db: Db): void {
  globalForDb.vigilDatabase = Promise.resolve({
    db,
    kind: 'postgres',
    dedicated: (work) => work(db),
    close: () => Promise.resolve(),
  });
}
