import { eq } from 'drizzle-orm';
import { describe, expect, it, vi } from 'vitest';
import { rateWindows } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import { isServiceError } from '@/lib/errors';
import { roomInWindow } from '@/lib/testing/fixtures';
import { consumeRate, RateLeases } from './consume-rate';

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

describe('leased budgets (the API per-second budgets)', () => {
  // A window of ten years: the test cannot straddle two of them, so its counts are exact.
  const decade = 315_360_000;
  const settle = async (calls: Promise<void>[]) => {
    const results = await Promise.allSettled(calls);
    return { allowed: results.filter((r) => r.status === 'fulfilled').length, results };
  };
  /** A leased budget of its own bucket, refused with 'Over.'. */
  const leasedBudget = (limit: number, windowSeconds = decade) => ({
    bucket: `lease:${Math.random()}`,
    limit,
    windowSeconds,
    refusal: 'Over.',
    leased: true,
  });
  const windowsOf = (bucket: string) => db().select().from(rateWindows).where(eq(rateWindows.bucket, bucket));

  it('one server spends the whole budget a slice per write, then refuses the rest without asking again', async () => {
    const leases = new RateLeases();
    const budget = leasedBudget(1000);
    const { allowed, results } = await settle(Array.from({ length: 1200 }, () => consumeRate(db(), budget, leases)));
    expect(allowed).toBe(1000);
    const [window, ...others] = await windowsOf(budget.bucket);
    expect(others).toEqual([]);
    // 50 writes of a 20-request slice; the 200 refused ones, and one more call now, wrote nothing.
    expect(window!.count).toBe(1000);
    const refused: unknown = await consumeRate(db(), budget, leases).catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'rate_limited', message: 'Over.' });
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(3600);
    expect((await windowsOf(budget.bucket))[0]!.count).toBe(1000);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(200);
  });

  it('two servers sharing a budget never get more than the limit through together', async () => {
    const [a, b] = [new RateLeases(), new RateLeases()];
    const budget = leasedBudget(500);
    const { allowed } = await settle(Array.from({ length: 1200 }, (_, i) => consumeRate(db(), budget, i % 2 ? a : b)));
    // Every slice granted was spent (there was more demand than budget), and none was granted past the limit.
    expect(allowed).toBe(500);
    expect((await windowsOf(budget.bucket))[0]!.count).toBeGreaterThanOrEqual(500);
  });

  it('a slice does not outlive its window: refused at the end of one window, served in the next', async () => {
    const leases = new RateLeases();
    const budget = leasedBudget(100, 2);
    // Start with a fresh window (the database's clock is this machine's), then spend it one call after the other.
    await roomInWindow(2000, 2000);
    let refused = 0;
    for (let i = 0; i < 250 && !refused; i++) await consumeRate(db(), budget, leases).catch(() => (refused = i + 1));
    expect(refused).toBeGreaterThan(1);
    expect(refused).toBeLessThanOrEqual(201);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    await expect(consumeRate(db(), budget, leases)).resolves.toBeUndefined();
  });

  it('a refusal is the error of the caller’s own copy of the module, whichever copy made the shared slices', async () => {
    // Next's route bundles and the server's own bundle each hold a copy of lib/ in one process (direct-routes.ts).
    const budget = leasedBudget(100);
    await settle(Array.from({ length: 120 }, () => consumeRate(db(), budget))); // this copy makes the shared slices
    vi.resetModules();
    const other = await import('./consume-rate');
    const otherErrors = await import('@/lib/errors');
    const refused: unknown = await other.consumeRate(db(), budget).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(otherErrors.ServiceError);
    expect(refused).toMatchObject({ code: 'rate_limited', message: 'Over.' });
    expect(isServiceError(refused)).toBe(true); // and every copy knows it for one
  });

  it('a budget too small to slice is counted a request per write, as before', async () => {
    const leases = new RateLeases();
    const budget = leasedBudget(60);
    const { allowed } = await settle(Array.from({ length: 70 }, () => consumeRate(db(), budget, leases)));
    expect(allowed).toBe(60);
    expect((await windowsOf(budget.bucket))[0]!.count).toBe(70);
  });
});
