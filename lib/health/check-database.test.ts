import { describe, expect, it } from 'vitest';
import { openPostgres } from '@/db/client';
import { setupTestDatabase } from '@/db/testing/test-database';
import { checkDatabase } from './check-database';

const { database } = setupTestDatabase();

describe('database health', () => {
  it('reports a reachable database as up', async () => {
    expect(await checkDatabase(() => Promise.resolve(database()))).toMatchObject({ status: 'up' });
  });

  it('reports an unreachable server as down, within the 5 s budget', async () => {
    const unreachable = openPostgres('postgres://vigil@127.0.0.1:1/none');
    const started = Date.now();
    const health = await checkDatabase(() => Promise.resolve(unreachable));
    expect(health).toEqual({ status: 'down', engine: null, latencyMs: null });
    expect(Date.now() - started).toBeLessThan(5000);
    await unreachable.close();
  });
});
