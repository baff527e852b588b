import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accounts, auditLog, outbox } from '@/db/schema';
import { insertAccount, makeStaff, systemActor, uniqueSuffix } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { Actor, StaffActor } from '@/lib/auth/actor';
import { serviceContext, withTransaction, type ServiceContext } from '@/lib/context';
import { ServiceError } from '@/lib/errors';
import { lockAccount } from '@/lib/accounts/lock-account';
import { recordAudit } from '@/lib/audit/record-audit';
import { accountTimeline } from '@/lib/accounts/account-timeline';
import { auditPage, searchAudit } from './audit-log';

const staffActions = async (ctx: ServiceContext, accountId: string) =>
  (await accountTimeline(ctx, accountId, { kind: ['staff'] })).items.map((r) =>
    r.kind === 'staff' ? [r.action, r.reason] : [],
  );
const { db } = setupTestDatabase();
let agent: StaffActor;
let analyst: StaffActor;
let admin: StaffActor;

beforeAll(async () => {
  const [a, b, c] = await Promise.all([makeStaff(db(), 'agent'), makeStaff(db(), 'analyst'), makeStaff(db(), 'admin')]);
  [agent, analyst, admin] = [a.actor, b.actor, c.actor];
});

async function makeAccount() {
  const now = new Date();
  const row = await insertAccount(db(), {
    externalId: `cus_${uniqueSuffix()}`,
    email: 'x@example.com',
    phone: '+447700900111',
    firstEventAt: now,
  });
  return row;
}
const lockInput = (a: { id: string; version: number }) => ({
  accountId: a.id,
  version: a.version,
  idempotencyKey: randomUUID(),
  reasonCode: 'fraud_report',
  note: 'report VR-TEST',
});

describe('the audit log', () => {
  it('search by actor, action prefix, target and time; analysts and admins only', async () => {
    const a = await makeAccount();
    await lockAccount(serviceContext(db(), agent), lockInput(a));
    const found = await searchAudit(serviceContext(db(), analyst), {
      actor: agent.email.slice(0, 12),
      action: 'account.lo',
      target: `account:${a.id}`,
    });
    expect(found.map((r) => [r.action, r.actorEmail, r.reason])).toEqual([
      ['account.lock', agent.email, 'Fraud report: report VR-TEST'],
    ]);
    expect(
      await searchAudit(serviceContext(db(), admin), {
        target: a.id,
        from: new Date(Date.now() + 60_000).toISOString(),
      }),
    ).toEqual([]);
    await expect(searchAudit(serviceContext(db(), agent), {})).rejects.toMatchObject({ code: 'forbidden' });
    // Every role that sees the account sees its trail, in the account's timeline.
    expect(await staffActions(serviceContext(db(), agent), a.id)).toEqual([
      ['account.lock', 'Fraud report: report VR-TEST'],
    ]);
  });

  it('pages older and newer by keyset: every entry once, newest first, and back again', async () => {
    const target = `paging-${uniqueSuffix()}`;
    for (let i = 0; i < 5; i++) {
      await withTransaction(serviceContext(db(), admin), (tx) =>
        recordAudit(tx, {
          action: 'settings.update',
          targetType: 'settings',
          targetId: target,
          after: { step: i },
        }),
      );
    }
    const filters = { target: `settings:${target}` };
    const seen: unknown[] = [];
    let page = await auditPage(serviceContext(db(), analyst), filters, {}, 2);
    expect(page.newer).toBeNull();
    const pages = [page];
    for (;;) {
      seen.push(...page.items.map((r) => r.after?.step));
      if (!page.older) break;
      page = await auditPage(serviceContext(db(), analyst), filters, { after: page.older }, 2);
      pages.push(page);
    }
    expect(seen).toEqual([4, 3, 2, 1, 0]);
    expect(pages.map((p) => p.items.length)).toEqual([2, 2, 1]);
    // From the last page, "newer" leads back to the middle one.
    const back = await auditPage(serviceContext(db(), analyst), filters, { before: pages[2]!.newer }, 2);
    expect(back.items.map((r) => r.after?.step)).toEqual([2, 1]);
    await expect(auditPage(serviceContext(db(), agent), filters)).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('a failing audit insert rolls the account action back: no change, no outbox row', async () => {
    const a = await makeAccount();
    const broken = { ...systemActor, email: null } as unknown as Actor;
    await expect(lockAccount(serviceContext(db(), broken), lockInput(a))).rejects.toThrow();
    expect((await db().select().from(accounts).where(eq(accounts.id, a.id)))[0]).toMatchObject({
      status: 'active',
      version: 1,
    });
    expect(await db().select().from(outbox).where(eq(outbox.accountId, a.id))).toEqual([]);
  });

  it('the database refuses to edit the audit log', async () => {
    const a = await makeAccount();
    await lockAccount(serviceContext(db(), agent), lockInput(a));
    const error = await db()
      .update(auditLog)
      .set({ reason: 'rewritten' })
      .where(eq(auditLog.targetId, a.id))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(ServiceError);
    expect((await staffActions(serviceContext(db(), admin), a.id))[0]![1]).toBe('Fraud report: report VR-TEST');
  });
});
