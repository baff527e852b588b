import { createRequire } from 'node:module';
import path from 'node:path';
import { log } from '../lib/log/logger';

/*
 * @next/env is CommonJS without named exports for node's ESM loader, and how a default import of it resolves
 * differs between tsx (start.ts, as ESM), vitest and the esbuild bundle of serve.ts; require() is the same in all.
 */
const { loadEnvConfig } = createRequire(path.join(process.cwd(), 'package.json'))(
  '@next/env',
) as typeof import('@next/env');

/**
 * Loads the `.env*` files of `dir` into process.env as Next does (`.env.production.local`, `.env.local`,
 * `.env.production`, `.env`; a variable already set wins). Next loads them for the routes it runs; `npm start` and
 * the production server call this first, so that what they read (the database, the port, the page limits, the
 * routes they answer themselves) is what Next's routes read. Returns the files it loaded.
 */
export function loadEnvFiles(dir = process.cwd()): string[] {
  const { loadedEnvFiles } = loadEnvConfig(dir, false, {
    info: () => undefined,
    error: (...args: unknown[]) => log.error('could not load an .env file', { detail: args.map(String).join(' ') }),
  });
  return loadedEnvFiles.map((file) => file.path);
}
