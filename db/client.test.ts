import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lockfile from 'proper-lockfile';
import { describe, expect, it, vi } from 'vitest';
import { DatabaseLockedError, openPglite } from './client';

const dataDir = () => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-lock-')), 'pglite');

describe('embedded database lock', () => {
  it('refuses a data dir another holder has locked, with a message saying what to do', async () => {
    const dir = dataDir();
    fs.mkdirSync(dir, { recursive: true });
    const release = lockfile.lockSync(dir, { lockfilePath: `${dir}.lock`, realpath: false, stale: 30_000 });
    await expect(openPglite(dir)).rejects.toThrow(DatabaseLockedError);
    await expect(openPglite(dir)).rejects.toThrow(/in use by another process.*DATABASE_URL/s);
    release();
  });

  it('keeps its lock fresh while it holds it (the holder never counts its own lock as compromised)', async () => {
    const dir = dataDir();
    const errors: unknown[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args));
    const database = await openPglite(dir);
    const before = fs.statSync(`${dir}.lock`).mtimeMs;
    // proper-lockfile refreshes every 5 s; after one round the lock's mtime has moved on.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(fs.statSync(`${dir}.lock`).mtimeMs).toBeGreaterThan(before);
    expect(errors).toEqual([]);
    spy.mockRestore();
    await database.close();
  });

  it('takes over a stale lock left by a crashed process, and releases it on close', async () => {
    const dir = dataDir();
    fs.mkdirSync(`${dir}.lock`, { recursive: true });
    const old = new Date(Date.now() - 120_000);
    fs.utimesSync(`${dir}.lock`, old, old);
    const database = await openPglite(dir);
    expect(fs.readFileSync(`${dir}.lock.pid`, 'utf8')).toBe(String(process.pid));
    await expect(openPglite(dir)).rejects.toThrow(DatabaseLockedError);
    await database.close();
    expect(fs.existsSync(`${dir}.lock`)).toBe(false);
    const again = await openPglite(dir);
    await again.close();
  });
});
