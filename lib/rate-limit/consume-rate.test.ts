import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { rateWindows } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import { isServiceError } from '@/lib/errors';
import { consumeRate } from './consume-rate';

const { db } = setupTestDatabase();

describe('the one rate limiter', () => {
  it('200 parallel requests never get more than the limit through in any window', async () => {
    const bucket = `test:${Math.random()}`;
    const budget = { bucket, limit: 50, windowSeconds: 1, refusal: 'Over the limit.' };
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => consumeRate(db(), budget)));
    const allowed = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.filter((r) => r.status === 'rejected');
    const windows = await db().select().from(rateWindows).where(eq(rateWindows.bucket, bucket));
    expect(windows.reduce((sum, w) => sum + w.count, 0)).toBe(200); // every attempt counted exactly once
    expect(allowed).toBe(windows.reduce((sum, w) => sum + Math.min(w.count, 50), 0));
    expect(allowed).toBeLessThanOrEqual(50 * windows.length);
    expect(refused.length).toBeGreaterThan(0);
    const reason: unknown = (refused[0] as PromiseRejectedResult).reason;
    expect(isServiceError(reason) && reason.code).toBe('rate_limited');
    expect(reason).toMatchObject({ message: 'Over the limit.', retryAfterSeconds: 1 });
  });

  it('an hourly window says how long until it turns, and buckets do not share a budget', async () => {
    const a = { bucket: `a:${Math.random()}`, limit: 1, windowSeconds: 3600, refusal: 'Too many.' };
    await consumeRate(db(), a);
    await consumeRate(db(), { ...a, bucket: `b:${Math.random()}` });
    const error: unknown = await consumeRate(db(), a).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'rate_limited' });
    const retry = (error as { retryAfterSeconds: number }).retryAfterSeconds;
    expect(retry).toBeGreaterThanOrEqual(1);
    expect(retry).toBeLessThanOrEqual(3600);
  });
});
