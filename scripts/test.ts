/*
 * `npm test`: lint + typecheck, unit and integration tests (vitest), a production build, then the e2e
 * tests (Playwright, Debian Chromium) against the real start path. Database tests use DATABASE_URL's
 * server when set (each test file and the e2e run get a database of their own), embedded PGlite otherwise.
 * Ends with one line `N passed, N failed` (also written to .test-output/summary.txt for CI).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { buildIsCurrent, buildVigil } from './build-fingerprint';
import { playwrightFailures, vitestFailures, type PlaywrightReport, type VitestReport } from './test-report';

const out = '.test-output';
fs.rmSync(out, { recursive: true, force: true });
fs.mkdirSync(path.join(out, 'auth'), { recursive: true });

const env = { ...process.env, NEXT_TELEMETRY_DISABLED: '1', FORCE_COLOR: process.env.FORCE_COLOR ?? '1' };
let passed = 0;
let failed = 0;
/** Names of what failed, printed just before the summary so the last lines of a CI log say what broke. */
const failures: string[] = [];

function run(label: string, command: string, args: string[], extraEnv: Record<string, string> = {}): boolean {
  console.log(`\n── ${label} ──`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...env, ...extraEnv } });
  return result.status === 0;
}

function readJson<T>(file: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return null;
  }
}

async function main() {
  if (run('lint and typecheck', 'npm', ['run', 'check'])) passed += 1;
  else {
    failed += 1;
    failures.push('lint and typecheck');
  }

  const unitOk = run('unit and integration tests', 'node_modules/.bin/vitest', [
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}/unit.json`,
  ]);
  const unit = readJson<VitestReport>(`${out}/unit.json`);
  passed += unit?.numPassedTests ?? 0;
  failed += unit ? unit.numFailedTests : 1;
  if (unit) failures.push(...vitestFailures(unit));
  else failures.push('unit and integration tests: no report was written');
  if (!unitOk && unit && unit.numFailedTests === 0) {
    failed += 1; // a suite that crashed outside any test
    failures.push('unit and integration tests: vitest exited with an error outside any test (see its output above)');
  }

  if (!buildIsCurrent()) {
    console.log('\n▶ production build');
    if (!buildVigil()) {
      failed += 1;
      failures.push('production build');
      return;
    }
  }

  const serverUrl = process.env.DATABASE_URL;
  const e2eEnv: Record<string, string> = {};
  let dropE2eDatabase = async () => {};
  if (serverUrl) {
    const name = `vigil_e2e_${process.pid}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => undefined });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    e2eEnv.E2E_DATABASE_URL = url.toString();
    dropE2eDatabase = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    };
  } else {
    e2eEnv.E2E_DATA_DIR = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-e2e-')), 'pglite');
  }
  try {
    const e2eOk = run('end-to-end tests', 'node_modules/.bin/playwright', ['test'], e2eEnv);
    const e2e = readJson<PlaywrightReport>(`${out}/e2e.json`);
    passed += (e2e?.stats.expected ?? 0) + (e2e?.stats.flaky ?? 0);
    failed += e2e ? e2e.stats.unexpected : 1;
    if (e2e) failures.push(...playwrightFailures(e2e));
    else failures.push('end-to-end tests: no report was written');
    if (!e2eOk && e2e && e2e.stats.unexpected === 0) {
      failed += 1;
      failures.push('end-to-end tests: Playwright exited with an error outside any test (see its output above)');
    }
  } finally {
    await dropE2eDatabase();
  }
}

main()
  .catch((error: unknown) => {
    console.error(error);
    failed += 1;
    failures.push(`the test runner itself: ${String(error)}`);
  })
  .finally(() => {
    if (failures.length > 0) {
      console.log('\nFailed:');
      for (const name of failures) console.log(`  ✘ ${name}`);
    }
    const line = `${passed} passed, ${failed} failed`;
    fs.writeFileSync(path.join(out, 'summary.txt'), `${line}\n`);
    console.log(`\n${line}`);
    process.exitCode = failed > 0 ? 1 : 0;
  });
