import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { openPostgres } from '@/db/client';
import { setupTestDatabase } from '@/db/testing/test-database';
import { checkDatabase } from './check-database';

const { database } = setupTestDatabase();

describe('database health', () => {
  it('reports a reachable database as up', async () => {
    expect(await checkDatabase(() => Promise.resolve(database()))).toMatchObject({ status: 'up' });
  });

  it('reports a refused connection as down at once', async () => {
    const unreachable = openPostgres('postgres://vigil@127.0.0.1:1/none');
    expect(await checkDatabase(() => Promise.resolve(unreachable))).toEqual({
      status: 'down',
      engine: null,
      latencyMs: null,
    });
    await unreachable.close();
  });

  it('reports a server that accepts but never answers as down, within the 5 s budget', async () => {
    const silent = net.createServer(() => undefined); // accepts the connection, never speaks
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    const hanging = openPostgres(`postgres://vigil@127.0.0.1:${port}/none`);
    const started = Date.now();
    expect(await checkDatabase(() => Promise.resolve(hanging))).toMatchObject({ status: 'down' });
    expect(Date.now() - started).toBeLessThan(5000);
    void hanging.close();
    silent.close();
  });
});
