import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';

/*
 * The production build: Next's (`next build`) and the HTTP server's (scripts/serve.ts and what it imports, bundled
 * into one CommonJS file that plain node runs). Running the server through tsx instead cost about 115 MB of
 * resident memory (its compiler and loader thread) for nothing at run time.
 */

const sources = [
  'app',
  'components',
  'lib',
  'db',
  'proxy.ts',
  'scripts/serve.ts',
  'scripts/http-server.ts',
  'scripts/env-files.ts',
  'scripts/build-fingerprint.ts', // how the server is bundled
  'instrumentation.ts',
  'next.config.js',
  'postcss.config.mjs',
  'package-lock.json',
  'tsconfig.json',
];

function walk(entry: string, out: string[]) {
  if (!fs.existsSync(entry)) return;
  const stat = fs.statSync(entry);
  if (stat.isDirectory()) {
    for (const name of fs.readdirSync(entry).sort()) walk(path.join(entry, name), out);
  } else if (!/\.test\.tsx?$/.test(entry)) {
    out.push(`${entry}:${stat.size}:${stat.mtimeMs}`);
  }
}

/** Changes whenever a file the production build depends on changes, so `npm start` rebuilds only when needed. */
export function buildFingerprint(root = process.cwd()): string {
  const out: string[] = [];
  for (const s of sources) walk(path.join(root, s), out);
  return createHash('sha256').update(out.join('\n')).digest('hex');
}

export const fingerprintFile = path.join('.next', 'vigil-build-fingerprint');

/** The production HTTP server, bundled: `node .next/vigil-server.cjs` (what `npm start` and the chaos suite run). */
export const serverEntry = path.join('.next', 'vigil-server.cjs');

/**
 * How node runs it: `node ...serverNodeArgs(VIGIL_HEAP_GROWING_PERCENT) .next/vigil-server.cjs`.
 *
 * By default (20) the heap grows by a fifth over what the last full collection kept, not by up to four times as V8
 * does by default while memory is free: under chaos scenario 3's 200 connections, V8's default let the heap reach
 * 430–600 MB around 100–150 MB of live objects (peak RSS 540–800 MB); with 20, peak RSS was 271–290 MB for the same
 * work (README, Memory). The price is garbage collection: steady ingest ran at 9,134–9,263 events/s with 20 against
 * 11,137–11,261 with V8's default (`bench:ingest`, 200,000 events, interleaved). 0 leaves V8 its own growth.
 *
 * No `--enable-source-maps`: node then keeps every loaded module's source map, with the sources inside, in the heap
 * (40 MB of the 135 MB live under load). Stack traces in the log name the built files; with
 * `NODE_OPTIONS=--enable-source-maps` they name the sources, from the maps beside them.
 */
export function serverNodeArgs(heapGrowingPercent: number): readonly string[] {
  return heapGrowingPercent > 0 ? [`--heap-growing-percent=${heapGrowingPercent}`] : [];
}

export function buildIsCurrent(): boolean {
  return (
    fs.existsSync(path.join('.next', 'BUILD_ID')) &&
    fs.existsSync(serverEntry) &&
    fs.existsSync(fingerprintFile) &&
    fs.readFileSync(fingerprintFile, 'utf8') === buildFingerprint()
  );
}

export function recordBuild(): void {
  fs.writeFileSync(fingerprintFile, buildFingerprint());
}

/** Builds Next and bundles the server; false (with the build's output printed) when either failed. */
export function buildVigil(): boolean {
  const next = spawnSync('node_modules/.bin/next', ['build'], {
    stdio: 'inherit',
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' },
  });
  if (next.status !== 0) return false;
  try {
    buildSync({
      entryPoints: ['scripts/serve.ts'],
      outfile: serverEntry,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      packages: 'external', // from node_modules at run time, as Next loads them
      sourcemap: 'linked', // .next/vigil-server.cjs.map, read when node runs with --enable-source-maps
      logLevel: 'warning',
    });
  } catch {
    return false; // esbuild printed the errors
  }
  recordBuild();
  return true;
}

/** Builds unless the last build is of the current sources. */
export function ensureBuild(): boolean {
  return buildIsCurrent() || buildVigil();
}
