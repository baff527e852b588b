import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll, inject } from 'vitest';
import { migrateDatabase, openPglite, openPostgres, type Database, type Db } from '../client';

/**
 * A database of this test file's own: a fresh copy of the migrated template on the PostgreSQL server
 * (CI), or an in-memory embedded PostgreSQL when no DATABASE_URL is given.
 */
export async function createTestDatabase(): Promise<Database & { url?: string }> {
  const templateUrl = inject('templateDatabaseUrl');
  if (!templateUrl) {
    const database = await openPglite();
    await migrateDatabase(database);
    return database;
  }
  const template = new URL(templateUrl);
  const name = `${template.pathname.slice(1).replace(/_template$/, '')}_${randomBytes(6).toString('hex')}`;
  const admin = postgres(templateUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name} template ${template.pathname.slice(1)}`);
  await admin.end();
  const url = new URL(templateUrl);
  url.pathname = `/${name}`;
  const database = openPostgres(url.toString(), { max: 20 });
  return {
    ...database,
    close: async () => {
      await database.close();
      const dropper = postgres(templateUrl, { max: 1, onnotice: () => undefined });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/** Registers beforeAll/afterAll and hands the file its database. */
export function setupTestDatabase(): { db: () => Db; database: () => Database } {
  let database: Database | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.close();
  });
  return {
    db: () => database!.db,
    database: () => database!,
  };
}
