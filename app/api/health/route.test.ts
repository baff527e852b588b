import { afterEach, describe, expect, it } from 'vitest';
import { openPostgres } from '@/db/client';
import { setupTestDatabase } from '@/db/testing/test-database';
import { setDatabaseForTests } from '@/lib/database';
import { beginShutdown, resetReadinessForTests } from '@/lib/health/readiness';
import { GET } from './route';

const { db } = setupTestDatabase();

afterEach(() => resetReadinessForTests());

describe('GET /api/health (readiness)', () => {
  it('answers 200 with the database while it answers', async () => {
    setDatabaseForTests(db());
    const res = await GET();
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toMatchObject({ status: 'ok', database: { status: 'up' } });
  });

  it('answers 503, reason database, while the database is unreachable', async () => {
    const unreachable = openPostgres('postgres://vigil@127.0.0.1:1/none');
    setDatabaseForTests(unreachable.db);
    const res = await GET();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toEqual({
      status: 'unavailable',
      reason: 'database',
      database: { status: 'down', engine: null, latencyMs: null },
    });
    await unreachable.close();
  });

  it('answers 503, reason shutting_down, once shutdown began, although the database answers', async () => {
    setDatabaseForTests(db());
    beginShutdown();
    const res = await GET();
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toEqual({ status: 'unavailable', reason: 'shutting_down', database: null });
  });
});
