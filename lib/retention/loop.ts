import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { startBackgroundLoop, type BackgroundLoop } from '@/lib/background/loop';
import type { SystemActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import { database } from '@/lib/database';
import { log } from '@/lib/log/logger';
import { compactRollups } from '@/lib/ingest/compact-rollups';
import { ensureAhead } from './partitions';
import { armRetention, LAST_RUN_KEY, removesNothing, retentionArmed, retentionRun, WAITING_KEY } from './retention';

/*
 * The data lifecycle's background pass, every hour in each server: partitions ahead (at least 7 days), rollup
 * compaction of closed periods (lib/ingest/compact-rollups.ts), and once a day the retention run. Servers agree on "once a day" through the database: a server claims the day's run by
 * moving the claim row's time forward only if it is more than 23 hours old, so two servers never run it together;
 * a run that fails hands the claim back for the next hourly pass. An installation upgraded with history past the
 * windows is not cut back until an admin ran retention once (retentionArmed in ./retention.ts). Runs from the console or the CLI are kept apart
 * from it by the run lock (./run-retention.ts).
 */
const CLAIM_KEY = 'retention.claim';
const lifecycle: SystemActor = { kind: 'system', id: null, email: 'retention', role: 'system' };

async function claimDailyRun(db: Db, now: Date): Promise<boolean> {
  const rows = await queryRows<{ key: string }>(
    db,
    sql`insert into settings (key, value, updated_at) values (${CLAIM_KEY}, '{}'::jsonb, ${now.toISOString()}::timestamptz)
        on conflict (key) do update set updated_at = excluded.updated_at
        where settings.updated_at < ${new Date(now.getTime() - 23 * 3_600_000).toISOString()}::timestamptz
        returning key`,
  );
  return rows.length > 0;
}

export async function lifecyclePass(db: Db, now = new Date()): Promise<void> {
  const made = await ensureAhead(db, now);
  if (made.length > 0) log.info('partitions made ahead', { partitions: made });
  const compacted = await compactRollups(db, now);
  if (compacted.periods > 0) log.info('rollups compacted', { ...compacted });
  if (!(await claimDailyRun(db, now))) return;
  let outcome;
  try {
    const ctx = serviceContext(db, lifecycle);
    if (!(await retentionArmed(db))) {
      // Not yet armed (./retention.ts): remove nothing by itself if anything is past a window.
      const preview = await retentionRun(ctx, await database(), { dryRun: true, now });
      if (!removesNothing(preview)) {
        await db.execute(sql`insert into settings (key, value) values (${WAITING_KEY}, ${JSON.stringify(preview)}::jsonb)
            on conflict (key) do update set value = excluded.value, updated_at = now()`);
        log.warn(
          'retention is waiting for a first run by an admin: data older than the retention windows is kept until then (Admin → Data retention, or vigil retention run)',
          { partitions: preview.partitions.map((p) => p.name), rows: preview.rows },
        );
        return;
      }
      await armRetention(db, 'the daily run: nothing was past a retention window');
    }
    outcome = await retentionRun(ctx, await database(), { now });
  } catch (error) {
    // A failed run (or one refused because a console or CLI run held the lock) is tried again in about an hour,
    // not tomorrow: the claim goes back to 22 hours old.
    await db.execute(sql`update settings set updated_at = ${new Date(now.getTime() - 22 * 3_600_000).toISOString()}::timestamptz
        where key = ${CLAIM_KEY}`);
    throw error;
  }
  log.info('retention run', {
    dropped: outcome.partitions.filter((p) => p.outcome === 'dropped').map((p) => p.name),
    retry: outcome.partitions.filter((p) => p.outcome === 'retry').map((p) => p.name),
    rows: outcome.rows,
    lastRunKey: LAST_RUN_KEY,
  });
}

export function startLifecycleLoop(getDb: () => Promise<Db>): BackgroundLoop {
  return startBackgroundLoop(
    'data-lifecycle',
    getDb,
    async (db) => {
      await lifecyclePass(db);
      return false;
    },
    { intervalMs: 3_600_000, errorIntervalMs: 300_000, failureMessage: 'data lifecycle pass failed' },
  );
}
