import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accountIdFor } from '@/db/account-id';
import { queryRows } from '@/db/client';
import { loginEvents } from '@/db/schema';
import { loginEvent } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { storeEvents } from '@/lib/ingest/store-events';
import { bulkSeedEvents } from './bulk-events';

const { db, database } = setupTestDatabase();

describe('the bulk path', () => {
  it('creates accounts with the ids ingest derives, so later events join them', async (ctx) => {
    // COPY needs the server; the embedded engine is refused by the bulk path itself.
    if (database().kind !== 'postgres') return ctx.skip();
    const written = await bulkSeedEvents(database(), {
      kind: 'otp',
      events: 300,
      accounts: 10,
      days: 2,
      seed: 77,
      end: new Date('2026-07-10T00:00:00Z'),
    });
    expect(written).toBe(300);
    const accounts = await queryRows<{ id: string; external_id: string }>(
      db(),
      sql`select id, external_id from accounts`,
    );
    expect(accounts.length).toBeGreaterThan(0);
    for (const a of accounts) expect(a.id).toBe(accountIdFor(a.external_id));
    const one = accounts[0]!;
    await db().transaction((tx) => storeEvents(tx, [loginEvent(one.external_id, new Date('2026-07-10T01:00:00Z'))]));
    expect(await db().select().from(loginEvents).where(eq(loginEvents.accountId, one.id))).toHaveLength(1);
    expect(await queryRows(db(), sql`select 1 from accounts`)).toHaveLength(accounts.length);
  });
});
