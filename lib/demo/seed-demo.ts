import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { settings, staffUsers } from '@/db/schema';
import { hashPassword } from '@/lib/auth/passwords';
import { serviceContext } from '@/lib/context';
import { recordAudit } from '@/lib/audit/record-audit';
import type { SystemActor } from '@/lib/auth/actor';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { maxEventsPerBatch, validateBatch } from '@/lib/ingest/validate-batch';
import { armRetention } from '@/lib/retention/retention';
import { demoDataset, type SeedOptions } from './generate-events';
import { seedDemoReports } from './reports';

export const demoStaffPassword = 'vigil-demo';
export const demoStaff = [
  { email: 'admin@demo.vigil', name: 'Ada Admin', role: 'admin' },
  { email: 'agent@demo.vigil', name: 'Sam Agent', role: 'agent' },
  { email: 'analyst@demo.vigil', name: 'Alex Analyst', role: 'analyst' },
] as const;

const seedActor: SystemActor = { kind: 'system', id: null, email: 'seed', role: 'system' };
const eventsPerBatch = maxEventsPerBatch; // as the platform would send them

export interface SeedProgress {
  day: number;
  days: number;
  events: number;
}

export interface SeedSummary {
  accounts: number;
  events: number;
  staffCreated: number;
}

/** Demo staff (demo data only; their password is public), audited like any staff creation. */
export async function seedDemoStaff(db: Db): Promise<number> {
  const passwordHash = await hashPassword(demoStaffPassword);
  let created = 0;
  for (const s of demoStaff) {
    await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(staffUsers)
        .values({ ...s, passwordHash })
        .onConflictDoNothing()
        .returning({ id: staffUsers.id });
      if (!row) return;
      created += 1;
      await recordAudit(
        { ...serviceContext(tx, seedActor), db: tx },
        {
          action: 'staff.create',
          targetType: 'staff',
          targetId: row.id,
          after: { ...s },
          reason: 'demo data',
        },
      );
    });
  }
  return created;
}

export async function isDemoSeeded(db: Db): Promise<boolean> {
  const [row] = await db.select({ key: settings.key }).from(settings).where(eq(settings.key, 'demo_seed'));
  return Boolean(row);
}

/**
 * Fills the database with demo traffic through the ingest pipeline (validation, storage, detection), so
 * the demo keeps every table the API keeps true, alerts included. Deterministic for a given seed and end time.
 */
export async function seedDemoData(
  db: Db,
  options: SeedOptions,
  onProgress?: (p: SeedProgress) => void,
): Promise<SeedSummary> {
  const staffCreated = await seedDemoStaff(db);
  const dataset = demoDataset(options);
  let events = 0;
  for (const { day, events: dayEvents } of dataset.days()) {
    for (let i = 0; i < dayEvents.length; i += eventsPerBatch) {
      const batch = dayEvents.slice(i, i + eventsPerBatch);
      // The ingest API's own path: the contract's validation, storage and rollups, then detection.
      await ingestBatch(db, validateBatch({ events: batch }), new Date(), { awaitDetection: true });
      events += batch.length;
    }
    onProgress?.({ day: day + 1, days: options.days, events });
  }
  // Names are not part of the event contract; the demo sets them so accounts can be found by name.
  for (let i = 0; i < dataset.accounts.length; i += 1000) {
    const part = dataset.accounts.slice(i, i + 1000);
    const values = sql.join(
      part.map((a) => sql`(${a.externalId}, ${a.displayName})`),
      sql`, `,
    );
    await db.execute(
      sql`update accounts set display_name = v.name from (values ${values}) as v(external_id, name) where accounts.external_id = v.external_id`,
    );
  }
  await seedDemoReports(db, dataset.accounts, options.seed);
  // A new installation, whose past was generated at once: a live one's first daily pass would have armed retention
  // before anything aged past a window. Unarmed, the demo looked like an upgraded installation (its code pairings
  // older than their 7-day window waited for an admin's first run).
  await armRetention(db, 'the demo seed: a new installation');
  await db
    .insert(settings)
    .values({
      key: 'demo_seed',
      value: { ...options, end: options.end.toISOString(), seededAt: new Date().toISOString() },
    })
    .onConflictDoUpdate({ target: settings.key, set: { value: sql`excluded.value`, updatedAt: sql`now()` } });
  return { accounts: dataset.accounts.length, events, staffCreated };
}
