import { checkDatabase, type DatabaseHealth } from './check-database';

/*
 * Readiness: whether a load balancer should send this server requests. Not while the database does not
 * answer, and not once the server has begun to shut down (scripts/http-server.ts): the flag lives on
 * globalThis because the HTTP server that sets it and the route bundle that reads it are different module
 * instances in one process.
 */

const globalForReadiness = globalThis as unknown as { vigilShuttingDown?: boolean };

/** From now on /api/health answers 503 `shutting_down`, so load balancers stop sending requests here. */
export function beginShutdown(): void {
  globalForReadiness.vigilShuttingDown = true;
}

export function isShuttingDown(): boolean {
  return globalForReadiness.vigilShuttingDown === true;
}

export function resetReadinessForTests(): void {
  globalForReadiness.vigilShuttingDown = undefined;
}

export type NotReadyReason = 'database' | 'shutting_down';

export type Readiness =
  | { status: 'ok'; database: DatabaseHealth }
  | { status: 'unavailable'; reason: 'database'; database: DatabaseHealth }
  /** The database is not probed once shutdown began: its pool is about to close and must not be reopened. */
  | { status: 'unavailable'; reason: 'shutting_down'; database: null };

export async function readiness(check: () => Promise<DatabaseHealth> = checkDatabase): Promise<Readiness> {
  if (isShuttingDown()) return { status: 'unavailable', reason: 'shutting_down', database: null };
  const database = await check();
  return database.status === 'up'
    ? { status: 'ok', database }
    : { status: 'unavailable', reason: 'database', database };
}
