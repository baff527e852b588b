import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatabaseLockedError, openPglite } from './client';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-lock-'));

describe('embedded database lock', () => {
  it('refuses a data dir held by another live process, with a message saying what to do', async () => {
    const dir = path.join(tempDir(), 'pglite');
    fs.writeFileSync(`${dir}.lock`, String(process.ppid)); // the parent process is alive
    await expect(openPglite(dir)).rejects.toThrow(DatabaseLockedError);
    await expect(openPglite(dir)).rejects.toThrow(/in use by another process.*DATABASE_URL/s);
  });

  it('takes over the lock of a process that is gone, and releases it on close', async () => {
    const dir = path.join(tempDir(), 'pglite');
    fs.writeFileSync(`${dir}.lock`, '999999999');
    const database = await openPglite(dir);
    expect(fs.readFileSync(`${dir}.lock`, 'utf8')).toBe(String(process.pid));
    await database.close();
    expect(fs.existsSync(`${dir}.lock`)).toBe(false);
  });
});
