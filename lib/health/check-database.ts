import { sql } from 'drizzle-orm';
import type { Database } from '@/db/client';
import { database } from '@/lib/database';

export interface DatabaseHealth {
  status: 'up' | 'down';
  engine: 'postgres' | 'pglite' | null;
  latencyMs: number | null;
}

const deadlineMs = 4000;

/** Answers within the deadline even when the server hangs, so `/api/health` replies in under 5 s. */
export async function checkDatabase(open: () => Promise<Database> = database): Promise<DatabaseHealth> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('database health check timed out')), deadlineMs);
  });
  try {
    const db = await Promise.race([open(), timeout]);
    await Promise.race([db.db.execute(sql`select 1`), timeout]);
    return { status: 'up', engine: db.kind, latencyMs: Math.round(performance.now() - started) };
  } catch {
    return { status: 'down', engine: null, latencyMs: null };
  } finally {
    clearTimeout(timer);
  }
}
