import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { withDeadline } from '@/db/errors';
import { rateLimited } from '@/lib/errors';

export interface RateBudget {
  /** Who is counted: an API key and route family, a client IP, a contact. */
  bucket: string;
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
  /** What the refused caller is told, e.g. "Too many reports from this address in an hour. Try again later." */
  refusal: string;
  /**
   * Count in slices (`leaseSlice`): this server takes several requests' worth of the window's budget in one write
   * and spends it locally. For the API's per-second budgets, where a write per request would be the route's main
   * cost; never for a counter somebody reads back (sign-in failures).
   */
  leased?: boolean;
}

/**
 * The one rate limiter. Fixed windows per bucket, counted atomically in PostgreSQL (an upsert that returns
 * the new count) and timed by the database's clock, so the limit holds across every Vigil server whatever
 * their clocks say, and parallel requests never overshoot it. Over the limit: `rate_limited`, with the
 * seconds until the window turns.
 *
 * A leased budget (`leased: true`) is counted the same way in slices of a 50th of its limit (at most 100): the
 * server that takes a slice spends it without asking the database again until it is used up or its window turns,
 * and once the database says the window is spent, the server refuses the rest of the window by itself. Across
 * servers the limit still holds exactly (a slice is granted only out of what is left), and a window can go at most
 * `slice - 1` requests per server short of its limit (slices taken and not spent when it turns).
 */
export async function consumeRate(db: DbOrTx, budget: RateBudget, leases?: RateLeases): Promise<void> {
  if (budget.leased && leaseSlice(budget.limit) > 1) return (leases ?? processLeases()).consume(db, budget);
  const row = await countInWindow(db, budget, 1);
  if (row.count > budget.limit) throw rateLimited(budget.refusal, Math.max(1, Math.ceil(row.msLeft / 1000)));
}

/** How many requests of a leased budget one database write takes. */
export function leaseSlice(limit: number): number {
  return Math.max(1, Math.min(100, Math.floor(limit / 50)));
}

/** Adds `by` to the bucket's current window; the new count and the milliseconds until the window turns. */
async function countInWindow(db: DbOrTx, budget: RateBudget, by: number): Promise<{ count: number; msLeft: number }> {
  const seconds = budget.windowSeconds;
  const [row] = await queryRows<{ count: number; msLeft: number }>(
    db,
    sql`with w as (select to_timestamp(floor(extract(epoch from clock_timestamp()) / ${seconds}) * ${seconds}) as start)
        insert into rate_windows (bucket, window_start, count) select ${budget.bucket}, w.start, ${by} from w
        on conflict (bucket, window_start) do update set count = rate_windows.count + ${by}
        returning count,
          floor(extract(epoch from window_start + make_interval(secs => ${seconds}) - clock_timestamp()) * 1000)::float8
            as "msLeft"`,
  );
  if (row!.count === by) {
    // First request of a window: forget this bucket's old windows.
    await db.execute(
      sql`delete from rate_windows where bucket = ${budget.bucket}
            and window_start < clock_timestamp() - make_interval(secs => ${seconds * 2})`,
    );
  }
  return row!;
}

interface Lease {
  /**
   * When the window turns, on this process's monotonic clock (performance.now(): a wall clock stepped back would
   * stretch it), measured from before the write, so never later than the database's window.
   */
  endsAt: number;
  left: number;
  /** The database said the window is spent: refuse until it turns. */
  spent: boolean;
}

/** What one server holds: its slices by bucket, and the write under way for a bucket. Plain data, shareable. */
interface LeaseState {
  leases: Map<string, Lease>;
  taking: Map<string, Promise<boolean>>;
  prunedAt: number;
}

/** A slice write that takes longer than this is given up (the request is answered 503; the next one writes again). */
const takeDeadlineMs = 2000;

/** The slices one server holds. One per process (`processLeases`); tests make one per simulated server. */
export class RateLeases {
  constructor(private readonly state: LeaseState = { leases: new Map(), taking: new Map(), prunedAt: 0 }) {}

  async consume(db: DbOrTx, budget: RateBudget): Promise<void> {
    const { leases, taking } = this.state;
    for (;;) {
      const now = performance.now();
      const lease = leases.get(budget.bucket);
      if (lease && now < lease.endsAt) {
        if (lease.left > 0) {
          lease.left -= 1;
          return;
        }
        if (lease.spent) throw rateLimited(budget.refusal, Math.max(1, Math.ceil((lease.endsAt - now) / 1000)));
      }
      // One write per bucket at a time: the others wait for its slice rather than each taking one.
      const pending = taking.get(budget.bucket);
      if (pending) {
        await pending;
        continue;
      }
      const take = withDeadline(this.take(db, budget), takeDeadlineMs);
      taking.set(budget.bucket, take);
      let served: boolean;
      try {
        served = await take;
      } finally {
        taking.delete(budget.bucket);
      }
      if (served) return;
      const spent = leases.get(budget.bucket)!;
      throw rateLimited(budget.refusal, Math.max(1, Math.ceil((spent.endsAt - performance.now()) / 1000)));
    }
  }

  /** Takes a slice for the caller and keeps the rest; false when the window has nothing left. */
  private async take(db: DbOrTx, budget: RateBudget): Promise<boolean> {
    const slice = leaseSlice(budget.limit);
    const started = performance.now();
    const row = await countInWindow(db, budget, slice);
    const granted = Math.max(0, Math.min(slice, budget.limit - (row.count - slice)));
    const { leases } = this.state;
    if (leases.size >= 10_000 && started - this.state.prunedAt > 1000) {
      this.state.prunedAt = started;
      for (const [bucket, lease] of leases) if (lease.endsAt <= started) leases.delete(bucket);
    }
    leases.set(budget.bucket, {
      endsAt: started + Math.max(0, row.msLeft),
      left: Math.max(0, granted - 1),
      spent: row.count >= budget.limit,
    });
    return granted > 0;
  }
}

/*
 * This process's slices, on globalThis: Next's route bundles and the server's direct routes share them. Only the
 * data is shared; each copy of this module wraps it in its own class, so the errors a copy throws are its own.
 */
const globalForLeases = globalThis as unknown as { vigilRateLeases?: LeaseState };

function processLeases(): RateLeases {
  return new RateLeases((globalForLeases.vigilRateLeases ??= { leases: new Map(), taking: new Map(), prunedAt: 0 }));
}
