/*
 * `npm start`: validates the configuration, builds if the build is missing or stale, migrates, fills an
 * empty embedded database with demo data (a server database only with --demo / VIGIL_DEMO=1), then runs
 * `next start`. Migration and seeding finish and release the database before the server opens it
 * (the embedded engine is single-process).
 */
import { spawn } from 'node:child_process';
import { migrateDatabase, DatabaseLockedError } from '@/db/client';
import { openDatabase } from '@/lib/database';
import { defaultSeedOptions } from '@/lib/demo/generate-events';
import { demoStaff, demoStaffPassword, isDemoSeeded, seedDemoData } from '@/lib/demo/seed-demo';
import { oidcSettings } from '@/lib/auth/oidc';
import { env, EnvError, parseEnv } from '@/lib/env';
import { installationSecret } from '@/lib/setup/installation-secret';
import { buildIsCurrent, buildVigil, serverEntry, serverNodeArgs } from './build-fingerprint';
import { loadEnvFiles } from './env-files';
import { progressReporter } from './progress';

const args = new Set(process.argv.slice(2));

function fail(message: string): never {
  console.error(`\nvigil: ${message}\n`);
  process.exit(1);
}

async function prepareDatabase(wantDemo: boolean) {
  const database = await openDatabase();
  try {
    await migrateDatabase(database, { ownerUrl: env().VIGIL_MIGRATION_DATABASE_URL });
    const secret = await installationSecret(database.db);
    const seeded = await isDemoSeeded(database.db);
    // The embedded engine is the demo engine: seed until the marker says it finished (an interrupted
    // first start resumes; stored events are deduplicated by id).
    const embeddedAndEmpty = database.kind === 'pglite' && !seeded;
    if (!seeded && (wantDemo || embeddedAndEmpty)) {
      const progress = progressReporter('Generating demo data');
      const summary = await seedDemoData(database.db, { ...defaultSeedOptions, end: new Date() }, (p) =>
        progress.update(p.day, p.days, `${p.events.toLocaleString('en-US')} events`),
      );
      progress.done(`Demo data ready: ${summary.accounts} accounts, ${summary.events.toLocaleString('en-US')} events.`);
    }
    return { secret, demo: seeded || wantDemo || embeddedAndEmpty, kind: database.kind };
  } finally {
    await database.close();
  }
}

async function waitUntilReady(url: string, child: ReturnType<typeof spawn>): Promise<boolean> {
  for (let i = 0; i < 600 && child.exitCode === null; i++) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.status === 200 || res.status === 503) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return false;
}

async function main() {
  loadEnvFiles(); // what Next's routes will see, before anything here reads it
  let env;
  try {
    env = parseEnv({ ...process.env, NODE_ENV: 'production' });
    oidcSettings(env); // a half-configured single sign-on is refused here, naming what is missing
  } catch (error) {
    if (error instanceof EnvError) fail(error.message);
    throw error;
  }
  const wantDemo = args.has('--demo') || env.VIGIL_DEMO;

  if (args.has('--rebuild') || !buildIsCurrent()) {
    console.log('Building Vigil (first start, or the sources changed)…');
    if (!buildVigil()) fail('the build failed; see the output above.');
  }

  console.log(
    env.DATABASE_URL
      ? 'Database: PostgreSQL server (DATABASE_URL)'
      : `Database: embedded PostgreSQL in ${env.VIGIL_DATA_DIR}`,
  );
  let prepared;
  try {
    prepared = await prepareDatabase(wantDemo);
  } catch (error) {
    if (error instanceof DatabaseLockedError) fail(error.message);
    const message = error instanceof Error ? error.message : String(error);
    fail(`could not prepare the database: ${message}`);
  }

  const publicUrl = env.NEXTAUTH_URL ?? `http://localhost:${env.PORT}`;
  // scripts/serve.ts (bundled by the build): Next behind node:http, so the client IP comes from the connection.
  const child = spawn(process.execPath, [...serverNodeArgs(env.VIGIL_HEAP_GROWING_PERCENT), serverEntry], {
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(env.PORT),
      VIGIL_HOST: env.VIGIL_HOST,
      NEXTAUTH_URL: publicUrl,
      NEXTAUTH_SECRET: env.NEXTAUTH_SECRET ?? prepared.secret,
    },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));

  if (await waitUntilReady(`http://localhost:${env.PORT}`, child)) {
    console.log(`\nVigil is running at ${publicUrl}`);
    if (prepared.demo) {
      console.log(`Demo sign-in (password for each: ${demoStaffPassword}):`);
      for (const s of demoStaff) console.log(`  ${s.role.padEnd(8)} ${s.email}`);
      console.log('The first sign-in of each asks you to set up an authenticator app (the second factor).');
    }
    console.log('Press Ctrl+C to stop.\n');
  }
}

void main();
