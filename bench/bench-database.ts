import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { migrateDatabase, openPostgres, type Database } from '@/db/client';
import { ensureBuild } from '../scripts/build-fingerprint';

/** The application_name of a bench's own database sessions; the server's are named `vigil`. */
export const benchApplicationName = 'vigil-bench';

/**
 * A scratch database on the DATABASE_URL server and a production Vigil server on it, for one benchmark
 * run; `dispose` stops the server and drops the database, unless `keep` (then it prints the database's name, for
 * `bench:ingest-probe --database NAME`).
 */
export async function benchEnvironment(
  label: string,
  port: number,
  env: Record<string, string> = {},
  options: { keep?: boolean } = {},
) {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl)
    throw new Error(
      `${label} needs DATABASE_URL (a PostgreSQL server); the embedded engine is not what production runs on.`,
    );
  const name = `vigil_${label.replace(/\W/g, '_')}_${process.pid}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  // The bench's own sessions are named apart from the server's (a bench can then tell which sessions waited).
  const own = new URL(url);
  own.searchParams.set('application_name', benchApplicationName);
  const database: Database = openPostgres(own.toString());
  await migrateDatabase(database);
  let server: ReturnType<typeof spawn> | undefined;
  const serverLogPath = path.join(os.tmpdir(), `${name}.log`);
  const serverLog = fs.openSync(serverLogPath, 'w');

  return {
    serverLogPath,
    url: url.toString(),
    database,
    async startServer() {
      server = await startProductionServer({
        databaseUrl: url.toString(),
        port,
        env,
        log: serverLog,
        logPath: serverLogPath,
      });
    },
    async dispose() {
      if (server?.pid) process.kill(-server.pid, 'SIGTERM');
      await database.close();
      await new Promise((r) => setTimeout(r, 1500));
      if (options.keep) console.log(`kept the database ${name} (drop it with: drop database ${name})`);
      else await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** A production server on an existing database of the server, its output in the temporary directory under `label`. */
export async function serverOnDatabase(databaseUrl: string, port: number, label: string) {
  const logPath = path.join(os.tmpdir(), `vigil-${label}.log`);
  return startProductionServer({ databaseUrl, port, log: fs.openSync(logPath, 'w'), logPath });
}

/**
 * A production Vigil server (`scripts/start.ts`, built if needed) on a database, in its own process group, answering
 * `/api/health`; its output goes to `log`, whose path is named if it never answers (it is stopped then).
 */
export async function startProductionServer(options: {
  databaseUrl: string;
  port: number;
  env?: Record<string, string>;
  log: number;
  logPath: string;
}) {
  if (!ensureBuild()) throw new Error('build failed');
  const server = spawn('node_modules/.bin/tsx', ['scripts/start.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: options.databaseUrl,
      PORT: String(options.port),
      NEXT_TELEMETRY_DISABLED: '1',
      ...options.env,
    },
    // The server's output, for when a run dies: the path is printed with the error.
    stdio: ['ignore', options.log, options.log],
    detached: true,
  });
  for (let i = 0; ; i++) {
    if (i > 300) {
      if (server.pid) process.kill(-server.pid, 'SIGTERM');
      throw new Error(`server did not start (log: ${options.logPath})`);
    }
    try {
      if ((await fetch(`http://localhost:${options.port}/api/health`)).ok) return server;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

const percentile = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
export { percentile };
