// Connection-level failures (server down, restarting, unreachable): the request should be retried later.
const unavailableCodes = new Set([
  'VIGIL_DATABASE_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'CONNECT_TIMEOUT',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
]);

/**
 * Contention, not failure: a lock not granted within the statement's lock_timeout (making a month's partition while
 * a long transaction holds its parent), a deadlock PostgreSQL broke by cancelling this side, a serialization
 * failure, a statement cancelled by its timeout while it waited. Nothing was stored (the transaction rolled back); the same request a moment later succeeds.
 */
const contentionCodes = new Set([
  '55P03', // lock_not_available (lock_timeout)
  '40P01', // deadlock_detected
  '40001', // serialization_failure
  '57014', // query_canceled: the statement_timeout that keeps a batch stuck behind a lock from committing after its 503
]);

export function isDatabaseContention(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && contentionCodes.has(code)) return true;
  }
  return false;
}

/** A lock not granted within the session's lock_timeout. */
export function isLockTimeout(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++)
    if ((e as { code?: unknown }).code === '55P03') return true;
  return false;
}

export class DatabaseTimeoutError extends Error {
  override name = 'DatabaseTimeoutError';
  /** Known by its code too: a copy of this module in another bundle of the process has another class. */
  readonly code = 'VIGIL_DATABASE_TIMEOUT';
}

export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && unavailableCodes.has(code)) return true;
    const errors = (e as { errors?: unknown[] }).errors; // AggregateError from a multi-address connect
    if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner))) return true;
  }
  return false;
}

/** Gives up on a database call after `ms`, so an API request is answered (503) within 5 s. */
export async function withDeadline<T>(work: Promise<T>, ms = 4500): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseTimeoutError(`database did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
