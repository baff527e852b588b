import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { apiKeyRateWindows } from '@/db/schema';
import { makeApiKey } from '@/db/testing/ingest-fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { consumeApiRate } from './rate-limit';

const { db } = setupTestDatabase();

describe('per-key rate limit', () => {
  it('200 parallel requests never get more than the limit through in any one-second window', async () => {
    const { id } = await makeApiKey(db());
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => consumeApiRate(db(), id, 50)));
    const allowed = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected');
    const windows = await db().select().from(apiKeyRateWindows).where(eq(apiKeyRateWindows.keyId, id));
    expect(windows.reduce((sum, w) => sum + w.count, 0)).toBe(200); // every attempt counted exactly once
    expect(allowed).toBe(windows.reduce((sum, w) => sum + Math.min(w.count, 50), 0));
    expect(allowed).toBeLessThanOrEqual(50 * windows.length);
    expect(refused.length).toBeGreaterThan(0);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
      status: 429,
      headers: { 'Retry-After': '1' },
    });
  });
});
