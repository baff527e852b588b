import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { env, resetEnvForTests } from '../lib/env';
import { loadEnvFiles } from './env-files';

describe('loadEnvFiles', () => {
  afterEach(() => {
    delete process.env.VIGIL_PAGE_MAX_QUEUED;
    delete process.env.VIGIL_PAGE_MAX_WAIT_MS;
    resetEnvForTests();
  });

  it("puts an .env file's variables where env() reads them; a variable already set wins", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-env-'));
    fs.writeFileSync(path.join(dir, '.env'), 'VIGIL_PAGE_MAX_QUEUED=7\nVIGIL_PAGE_MAX_WAIT_MS=1500\n');
    process.env.VIGIL_PAGE_MAX_WAIT_MS = '900';
    resetEnvForTests();
    expect(env().VIGIL_PAGE_MAX_QUEUED).toBe(100); // the default: nothing loaded yet

    expect(loadEnvFiles(dir)).toEqual(['.env']);
    resetEnvForTests();
    expect(env().VIGIL_PAGE_MAX_QUEUED).toBe(7);
    expect(env().VIGIL_PAGE_MAX_WAIT_MS).toBe(900);
    fs.rmSync(dir, { recursive: true });
  });
});
