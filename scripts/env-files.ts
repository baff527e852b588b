import { loadEnvConfig } from '@next/env';
import { log } from '../lib/log/logger';

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
