import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Db } from '@/db/client';
import { log } from '@/lib/log/logger';
import type { DeliveryPass } from './deliver';
import { startOutboxWorker, type OutboxWorker } from './worker';

const fakeDb = {} as Db;
const getDb = () => Promise.resolve(fakeDb);
const idle: DeliveryPass = { claimed: 0, delivered: 0, retrying: 0, failed: 0 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let worker: OutboxWorker | undefined;

afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  vi.restoreAllMocks();
});

describe('outbox worker', () => {
  it('runs one pass at a time, again and again, on the database it is given', async () => {
    let running = 0;
    let maxRunning = 0;
    const dbs: Db[] = [];
    const deliver = vi.fn(async (db: Db) => {
      dbs.push(db);
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      await sleep(15);
      running -= 1;
      return idle;
    });
    worker = startOutboxWorker(getDb, { intervalMs: 5, deliver });
    await vi.waitFor(() => expect(deliver.mock.calls.length).toBeGreaterThanOrEqual(4));
    expect(maxRunning).toBe(1);
    expect(dbs.every((db) => db === fakeDb)).toBe(true);
  });

  it('starts once per process: a second start returns the running worker', async () => {
    const deliver = vi.fn(() => Promise.resolve(idle));
    worker = startOutboxWorker(getDb, { intervalMs: 20, deliver });
    const other = vi.fn(() => Promise.resolve(idle));
    expect(startOutboxWorker(getDb, { intervalMs: 20, deliver: other })).toBe(worker);
    await vi.waitFor(() => expect(deliver).toHaveBeenCalled());
    await sleep(50);
    expect(other).not.toHaveBeenCalled();
  });

  it('goes straight on while passes deliver, and waits the interval when idle', async () => {
    let busyPasses = 3;
    const deliver = vi.fn(() => Promise.resolve(busyPasses-- > 0 ? { ...idle, claimed: 1, delivered: 1 } : idle));
    worker = startOutboxWorker(getDb, { intervalMs: 60_000, deliver });
    await vi.waitFor(() => expect(deliver).toHaveBeenCalledTimes(4));
    await sleep(50);
    expect(deliver).toHaveBeenCalledTimes(4); // the fourth pass found nothing: next one in a minute
  });

  it('logs a failed pass and keeps going', async () => {
    const logged = vi.spyOn(log, 'error').mockImplementation(() => undefined);
    let calls = 0;
    const deliver = vi.fn(() =>
      ++calls === 1 ? Promise.reject(new Error('database unreachable')) : Promise.resolve(idle),
    );
    worker = startOutboxWorker(getDb, { intervalMs: 5, errorIntervalMs: 5, deliver });
    await vi.waitFor(() => expect(deliver.mock.calls.length).toBeGreaterThanOrEqual(3));
    expect(logged).toHaveBeenCalledTimes(1);
    expect(logged).toHaveBeenCalledWith('outbox delivery pass failed', {
      error: expect.objectContaining({ message: 'database unreachable' }) as unknown,
    });
  });

  it('stops: waits for the pass in progress, then runs no more, and may be started again', async () => {
    let finished = false;
    const deliver = vi.fn(async () => {
      await sleep(30);
      finished = true;
      return idle;
    });
    const first = startOutboxWorker(getDb, { intervalMs: 5, deliver });
    await vi.waitFor(() => expect(deliver).toHaveBeenCalled());
    await first.stop();
    expect(finished).toBe(true);
    const calls = deliver.mock.calls.length;
    await sleep(40);
    expect(deliver.mock.calls.length).toBe(calls);

    const next = vi.fn(() => Promise.resolve(idle));
    worker = startOutboxWorker(getDb, { intervalMs: 5, deliver: next });
    expect(worker).not.toBe(first);
    await vi.waitFor(() => expect(next).toHaveBeenCalled());
  });
});
