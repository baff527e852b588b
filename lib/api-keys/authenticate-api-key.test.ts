import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { setupTestDatabase } from '@/db/testing/test-database';
import { serviceContext } from '@/lib/context';
import { systemActor } from '@/lib/testing/fixtures';
import { makeApiKey } from '@/lib/testing/ingest-fixtures';
import { authenticateApiKey } from './authenticate-api-key';
import { revokeApiKey } from './revoke-api-key';

const { db } = setupTestDatabase();

describe('API key lookup', () => {
  const t0 = Date.now();
  const at = (ms: number) => () => new Date(t0 + ms);
  const revokeElsewhere = (id: string) => db().execute(sql`update api_keys set revoked_at = now() where id = ${id}`);

  it('is remembered for a second: a key another server revoked stops working within it', async () => {
    const { key, id } = await makeApiKey(db(), ['accounts:read']);
    const auth = `Bearer ${key}`;
    await expect(authenticateApiKey(db(), auth, 'accounts:read', at(0))).resolves.toMatchObject({ keyId: id });
    await revokeElsewhere(id); // another server's admin: nothing tells this process
    await expect(authenticateApiKey(db(), auth, 'accounts:read', at(900))).resolves.toMatchObject({ keyId: id });
    await expect(authenticateApiKey(db(), auth, 'accounts:read', at(1000))).rejects.toMatchObject({
      code: 'unauthorized',
      reason: 'invalid_token',
    });
  });

  it('a clock that went back does not stretch the memory; a revocation on this server counts at once', async () => {
    const moved = await makeApiKey(db(), ['accounts:read']);
    await authenticateApiKey(db(), `Bearer ${moved.key}`, 'accounts:read', at(5000));
    await revokeElsewhere(moved.id);
    await expect(authenticateApiKey(db(), `Bearer ${moved.key}`, 'accounts:read', at(4000))).rejects.toMatchObject({
      code: 'unauthorized',
    });

    const here = await makeApiKey(db(), ['accounts:read']);
    await authenticateApiKey(db(), `Bearer ${here.key}`, 'accounts:read', at(0));
    await revokeApiKey(serviceContext(db(), systemActor), { apiKeyId: here.id });
    await expect(authenticateApiKey(db(), `Bearer ${here.key}`, 'accounts:read', at(1))).rejects.toMatchObject({
      code: 'unauthorized',
    });
  });

  it('a scope the key lacks is refused from memory too, and last use is written once a minute', async () => {
    const { key, id } = await makeApiKey(db(), ['accounts:read']);
    const lastUsed = async () =>
      (
        await queryRows<{ t: string | null }>(db(), sql`select last_used_at::text as t from api_keys where id = ${id}`)
      )[0]?.t;
    await authenticateApiKey(db(), `Bearer ${key}`, 'accounts:read', at(0));
    await expect(authenticateApiKey(db(), `Bearer ${key}`, 'events:write', at(10))).rejects.toMatchObject({
      code: 'forbidden',
    });
    const first = await lastUsed();
    expect(first).not.toBeNull();
    await authenticateApiKey(db(), `Bearer ${key}`, 'accounts:read', at(30_000));
    expect(await lastUsed()).toBe(first);
  });
});
