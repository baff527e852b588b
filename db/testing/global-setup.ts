import type { TestProject } from 'vitest/node';
import postgres from 'postgres';
import { migrateDatabase, openPostgres } from '../client';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A migrated template database on the PostgreSQL server; null when tests run on embedded PGlite. */
    templateDatabaseUrl: string | null;
  }
}

function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * With DATABASE_URL (CI): migrate one template database once; every test file then gets its own copy
 * (CREATE DATABASE … TEMPLATE), so files run in parallel without touching each other.
 */
export default async function setup(project: TestProject) {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    project.provide('templateDatabaseUrl', null);
    return;
  }
  const prefix = `vigil_test_${process.pid}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  const template = `${prefix}_template`;
  await admin.unsafe(`drop database if exists ${template}`);
  await admin.unsafe(`create database ${template}`);
  const templateUrl = withDatabase(serverUrl, template);
  const migrated = openPostgres(templateUrl, { max: 1 });
  await migrateDatabase(migrated);
  await migrated.close();
  project.provide('templateDatabaseUrl', templateUrl);

  return async () => {
    const rows = await admin<{ datname: string }[]>`select datname from pg_database where datname like ${`${prefix}%`}`;
    for (const { datname } of rows) await admin.unsafe(`drop database if exists ${datname} with (force)`);
    await admin.end();
  };
}
