import { and, eq, inArray } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '@/db/schema';
import { insertAccount, makeStaff, uniqueSuffix } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { Actor, StaffActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import { ServiceError } from '@/lib/errors';
import { contactsShown, getAccount, searchAccounts } from './accounts';
import { logContactViews } from './log-contact-views';

const { db } = setupTestDatabase();
const as = (actor: Actor) => serviceContext(db(), actor);
let agent: StaffActor;
let analyst: StaffActor;
let admin: StaffActor;

beforeAll(async () => {
  const [a, b, c] = await Promise.all([makeStaff(db(), 'agent'), makeStaff(db(), 'analyst'), makeStaff(db(), 'admin')]);
  [agent, analyst, admin] = [a.actor, b.actor, c.actor];
});

async function makeAccount() {
  return insertAccount(db(), {
    externalId: `cus_${uniqueSuffix()}`,
    email: 'x@example.com',
    phone: '+447700900111',
    firstEventAt: new Date(),
  });
}

/** What the account page does: read the account, and log the view if it shows full contacts. */
async function openAccountPage(actor: Actor, id: string) {
  const ctx = as(actor);
  const account = await getAccount(ctx, id);
  const shown = contactsShown(account.contactsMasked, [account]);
  if (shown.length > 0) await logContactViews(ctx, shown);
}

/** What the accounts search page does. */
async function openSearchPage(actor: Actor, q: string) {
  const ctx = as(actor);
  const result = await searchAccounts(ctx, { q });
  const shown = contactsShown(result.contactsMasked, result.items);
  if (shown.length > 0) await logContactViews(ctx, shown);
}

const views = (ids: string[]) =>
  db()
    .select()
    .from(auditLog)
    .where(and(inArray(auditLog.targetId, ids), eq(auditLog.action, 'account.view_contacts')));

describe('logging staff views of full contacts', () => {
  it('viewing full contacts is logged once per staff member, account and hour; masked views are not', async () => {
    const a = await makeAccount();
    await Promise.all([openAccountPage(agent, a.id), openAccountPage(agent, a.id)]);
    await openAccountPage(agent, a.id);
    await openAccountPage(admin, a.id);
    await openAccountPage(analyst, a.id);
    const rows = await db().select().from(auditLog).where(eq(auditLog.targetId, a.id));
    expect(rows.map((v) => [v.action, v.actorEmail]).sort()).toEqual(
      [
        ['account.view_contacts', admin.email],
        ['account.view_contacts', agent.email],
      ].sort(),
    );
  });

  it('a search list showing full contacts logs a view of each account shown; masked lists do not', async () => {
    const a = await makeAccount();
    await openSearchPage(agent, a.externalId);
    await openSearchPage(agent, a.externalId);
    await openSearchPage(analyst, a.externalId);
    const rows = await db().select().from(auditLog).where(eq(auditLog.targetId, a.id));
    expect(rows.map((v) => [v.action, v.actorEmail])).toEqual([['account.view_contacts', agent.email]]);
  });

  it('the reads write nothing: only the page that shows contacts logs them', async () => {
    const a = await makeAccount();
    await getAccount(as(agent), a.id);
    await searchAccounts(as(agent), { q: a.externalId });
    expect(await views([a.id])).toEqual([]);
  });

  it('a list is logged in one statement, each account once, even when two tabs log overlapping lists at once', async () => {
    const [a, b, c] = await Promise.all([makeAccount(), makeAccount(), makeAccount()]);
    await Promise.all([
      logContactViews(as(agent), [a.id, b.id, a.id]),
      logContactViews(as(agent), [c.id, b.id]),
      logContactViews(as(agent), [b.id, c.id, a.id]),
    ]);
    const rows = await views([a.id, b.id, c.id]);
    expect(rows.map((v) => v.targetId).sort()).toEqual([a.id, b.id, c.id].sort());
    expect(rows.every((v) => v.actorId === agent.id && v.targetType === 'account' && v.actorRole === 'agent')).toBe(
      true,
    );
  });

  it('a view logged more than an hour ago does not count: the next view is logged again', async () => {
    const a = await makeAccount();
    await db()
      .insert(auditLog)
      .values({
        occurredAt: new Date(Date.now() - 2 * 3_600_000),
        actorId: agent.id,
        actorEmail: agent.email,
        actorRole: agent.role,
        action: 'account.view_contacts',
        targetType: 'account',
        targetId: a.id,
      });
    await logContactViews(as(agent), [a.id]);
    await logContactViews(as(agent), [a.id]);
    expect(await views([a.id])).toHaveLength(2);
  });

  it('a role that sees contacts masked cannot log a view of them', async () => {
    const a = await makeAccount();
    const error = await logContactViews(as(analyst), [a.id]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe('forbidden');
    expect(await views([a.id])).toEqual([]);
  });
});
