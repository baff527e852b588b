import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openPglite } from '@/db/client';
import { closeDatabase, database, getDb, isDatabaseUnavailable } from './database';
import { resetEnvForTests } from './env';

afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvForTests();
});

describe('closing the process-wide database at shutdown', () => {
  it('closes it, releases the embedded engine, and never reopens it', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-close-'));
    vi.stubEnv('DATABASE_URL', '');
    vi.stubEnv('VIGIL_DATA_DIR', dataDir);
    resetEnvForTests();
    await (await getDb()).execute(sql`select 1`);

    await closeDatabase();
    const late = await getDb().catch((error: unknown) => error);
    expect(isDatabaseUnavailable(late)).toBe(true); // a late request answers 503, it does not reopen the pool
    await expect(database()).rejects.toThrow(/shutting down/);
    // The data dir's lock was released: another process (here, another open) may take it.
    const next = await openPglite(dataDir);
    await next.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
