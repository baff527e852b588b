import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const sources = [
  'app',
  'components',
  'lib',
  'db',
  'proxy.ts',
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

export function buildIsCurrent(): boolean {
  return (
    fs.existsSync(path.join('.next', 'BUILD_ID')) &&
    fs.existsSync(fingerprintFile) &&
    fs.readFileSync(fingerprintFile, 'utf8') === buildFingerprint()
  );
}

export function recordBuild(): void {
  fs.writeFileSync(fingerprintFile, buildFingerprint());
}
