import { openDatabase as open, type Database, type Db } from '@/db/client';
export { isDatabaseUnavailable, withDeadline } from '@/db/errors';
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

export async function getDb(): Promise<Db> {
  return (await database()).db;
}

/** Tests that drive a route handler or an adapter hand it their own database. */
export function setDatabaseForTests(db: Db): void {
  globalForDb.vigilDatabase = Promise.resolve({ db, kind: 'postgres', close: () => Promise.resolve() });
}
