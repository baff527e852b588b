import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accounts, auditLog, outbox, settings, twoFactorOffRequests } from '@/db/schema';
import { insertAccount, makeStaff, systemActor, uniqueSuffix } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { Actor, StaffActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import { ServiceError } from '@/lib/errors';
import { createStaff } from '@/lib/staff/create-staff';
import { approveTwoFactorOff } from './approve-two-factor-off';
import { forcePasswordReset } from './force-password-reset';
import { lockAccount } from './lock-account';
import { requestTwoFactorOff } from './request-two-factor-off';
import { requireTwoFactor } from './require-two-factor';
import { revokeSessions } from './revoke-sessions';
import { unlockAccount } from './unlock-account';

const { db } = setupTestDatabase();
const as = (actor: Actor) => serviceContext(db(), actor);
let agent: StaffActor;
let analyst: StaffActor;
let admin: StaffActor;
let otherAdmin: StaffActor;

beforeAll(async () => {
  const [a, b, c, d] = await Promise.all([
    makeStaff(db(), 'agent'),
    makeStaff(db(), 'analyst'),
    makeStaff(db(), 'admin'),
    makeStaff(db(), 'admin'),
  ]);
  [agent, analyst, admin, otherAdmin] = [a.actor, b.actor, c.actor, d.actor];
});

async function makeAccount(overrides: Partial<typeof accounts.$inferInsert> = {}) {
  const now = new Date();
  const row = await insertAccount(db(), {
    externalId: `cus_${uniqueSuffix()}`,
    email: 'someone@example.com',
    firstEventAt: now,
    ...overrides,
  });
  return row;
}
const input = (account: { id: string; version: number }, extra: Record<string, unknown> = {}) => ({
  accountId: account.id,
  version: account.version,
  idempotencyKey: randomUUID(),
  reasonCode: 'suspected_takeover',
  note: 'Customer called: codes they did not ask for',
  ...extra,
});
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof ServiceError ? e.code : String(e)),
  );
const reload = async (id: string) => (await db().select().from(accounts).where(eq(accounts.id, id)))[0]!;
const auditRows = (id: string) =>
  db()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.targetType, 'account'), eq(auditLog.targetId, id)));

describe('who may do what (the role table of lib/auth/permissions.ts, as verb calls)', () => {
  const actions = {
    forcePasswordReset: (actor: StaffActor, a: { id: string; version: number }) =>
      forcePasswordReset(as(actor), input(a)),
    revokeSessions: (actor: StaffActor, a: { id: string; version: number }) => revokeSessions(as(actor), input(a)),
    lock: (actor: StaffActor, a: { id: string; version: number }) => lockAccount(as(actor), input(a)),
    requireTwoFactor: (actor: StaffActor, a: { id: string; version: number }) =>
      requireTwoFactor(as(actor), input(a, { method: 'totp' })),
    requestTwoFactorOff: (actor: StaffActor, a: { id: string; version: number }) =>
      requestTwoFactorOff(as(actor), input(a)),
  };
  it.each(Object.keys(actions))('%s: agents and admins may, analysts are refused and nothing changes', async (name) => {
    const act = actions[name as keyof typeof actions];
    const refused = await makeAccount({ twoFactorRequired: true, twoFactorRequiredMethod: 'sms' });
    expect(await code(act(analyst, refused))).toBe('forbidden');
    expect(await reload(refused.id)).toEqual(refused);
    expect(await auditRows(refused.id)).toEqual([]);
    for (const actor of [agent, admin]) {
      const a = await makeAccount({ twoFactorRequired: true, twoFactorRequiredMethod: 'sms' });
      expect(await code(act(actor, a))).toBe('ok');
      expect(await auditRows(a.id)).toHaveLength(1);
    }
  });

  it('unlock: agents and admins may, analysts are refused and nothing changes', async () => {
    const locked = await makeAccount({ status: 'locked' });
    expect(await code(unlockAccount(as(analyst), input(locked)))).toBe('forbidden');
    expect((await reload(locked.id)).status).toBe('locked');
    for (const actor of [agent, admin]) {
      const a = await makeAccount({ status: 'locked' });
      expect(await unlockAccount(as(actor), input(a))).toMatchObject({ changed: true, state: { status: 'active' } });
    }
  });

  it('only admins approve turning 2FA off, never their own request', async () => {
    const a = await makeAccount({ twoFactorRequired: true, twoFactorRequiredMethod: 'sms' });
    await requestTwoFactorOff(as(admin), input(a));
    const [request] = await db().select().from(twoFactorOffRequests).where(eq(twoFactorOffRequests.accountId, a.id));
    expect(await code(approveTwoFactorOff(as(agent), input(a, { requestId: request!.id })))).toBe('forbidden');
    expect(await code(approveTwoFactorOff(as(analyst), input(a, { requestId: request!.id })))).toBe('forbidden');
    expect(await code(approveTwoFactorOff(as(admin), input(a, { requestId: request!.id })))).toBe('conflict');
    expect((await reload(a.id)).twoFactorRequired).toBe(true);
    expect(await approveTwoFactorOff(as(otherAdmin), input(a, { requestId: request!.id }))).toMatchObject({
      changed: true,
      state: { twoFactor: { required: false, method: null } },
    });
  });

  it('an admin who issued the requester’s enrolment link in the last 24 h cannot approve their request', async () => {
    const created = await createStaff(as(admin), {
      email: `newcomer.${uniqueSuffix()}@test.vigil`,
      name: 'Newcomer',
      role: 'agent',
    });
    const newcomer: StaffActor = {
      kind: 'staff',
      id: created.id,
      email: created.email,
      name: 'Newcomer',
      role: 'agent',
      sessionId: 'test',
      factorVerifiedAt: new Date(),
    };
    const a = await makeAccount({ twoFactorRequired: true, twoFactorRequiredMethod: 'sms' });
    await requestTwoFactorOff(as(newcomer), input(a));
    const [request] = await db().select().from(twoFactorOffRequests).where(eq(twoFactorOffRequests.accountId, a.id));
    const refused = approveTwoFactorOff(as(admin), input(a, { requestId: request!.id }));
    await expect(refused).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('enrolment link') as string,
    });
    await expect(approveTwoFactorOff(as(otherAdmin), input(a, { requestId: request!.id }))).resolves.toMatchObject({
      changed: true,
    });
  });
});

describe('each action', () => {
  it('lock: status locked and sessions end; the audit row says who, why, before and after; the customer is told', async () => {
    const a = await makeAccount();
    const result = await lockAccount(as(agent), input(a));
    expect(result).toMatchObject({ changed: true, state: { status: 'locked', version: 2 } });
    const row = await reload(a.id);
    expect(row.sessionsValidAfter).not.toBeNull();
    const [audit] = await auditRows(a.id);
    expect(audit).toMatchObject({
      action: 'account.lock',
      actorEmail: agent.email,
      reason: 'Suspected account takeover: Customer called: codes they did not ask for',
      before: { status: 'active' },
      after: { status: 'locked' },
    });
    const notices = await db()
      .select()
      .from(outbox)
      .where(and(eq(outbox.accountId, a.id), eq(outbox.kind, 'notice')));
    expect(notices.map((n) => n.payload)).toEqual([
      expect.objectContaining({ channel: 'email', to: 'someone@example.com' }),
    ]);
    // Locked as a suspected takeover: an admin lifts it (the rule below).
    expect(await unlockAccount(as(admin), input(row))).toMatchObject({
      changed: true,
      state: { status: 'active', version: 3 },
    });
  });

  it('a forced reset is recorded in the audit row (a field named after a password is not a secret)', async () => {
    const a = await makeAccount();
    await forcePasswordReset(as(agent), input(a));
    const [audit] = await auditRows(a.id);
    expect(audit).toMatchObject({
      action: 'account.force_password_reset',
      before: { passwordResetRequired: false },
      after: { passwordResetRequired: true },
    });
  });

  it('an effect already in place changes nothing and says so', async () => {
    const a = await makeAccount({ status: 'locked' });
    expect(await lockAccount(as(agent), input(a))).toMatchObject({
      changed: false,
      message: 'The account is already locked; nothing changed.',
      state: { version: 1 },
    });
    expect(await auditRows(a.id)).toEqual([]);
  });

  it('a double submit (same idempotency key, even at once) makes one change and one audit row, and answers the same', async () => {
    const a = await makeAccount();
    const same = input(a);
    const [first, second] = await Promise.all([
      forcePasswordReset(as(agent), same),
      forcePasswordReset(as(agent), same),
    ]);
    expect([first.changed, second.changed].sort()).toEqual([true, true]);
    expect([first.replayed, second.replayed].filter(Boolean)).toHaveLength(1);
    expect(await auditRows(a.id)).toHaveLength(1);
    expect((await reload(a.id)).version).toBe(2);
    expect(await code(lockAccount(as(agent), same))).toBe('invalid'); // a key is for one submission
  });

  it('a stale page gets a conflict with the fresh state, never a lost update', async () => {
    const a = await makeAccount();
    await forcePasswordReset(as(agent), input(a));
    const error = (await lockAccount(as(admin), input(a)).catch((e: unknown) => e)) as ServiceError;
    expect(error.code).toBe('conflict');
    expect(error.current).toMatchObject({ passwordResetRequired: true, version: 2, status: 'active' });
    expect((await reload(a.id)).status).toBe('active');
  });

  it('bad input names the fields and stores nothing', async () => {
    const a = await makeAccount();
    const error = (await lockAccount(as(agent), {
      accountId: a.id,
      version: 1,
      idempotencyKey: randomUUID(),
      reasonCode: 'because',
      note: ' ',
    }).catch((e: unknown) => e)) as ServiceError;
    expect(error.code).toBe('invalid');
    expect(Object.keys(error.fieldErrors!).sort()).toEqual(['note', 'reasonCode']);
    expect(await code(requireTwoFactor(as(agent), input(a, { method: 'pigeon' })))).toBe('invalid');
    expect(await reload(a.id)).toEqual(a);
  });

  it('approving 2FA off is refused when someone changed the imposed 2FA since the request (no lost update)', async () => {
    const a = await makeAccount({ twoFactorRequired: true, twoFactorRequiredMethod: 'sms' });
    await requestTwoFactorOff(as(agent), input(a));
    const [request] = await db().select().from(twoFactorOffRequests).where(eq(twoFactorOffRequests.accountId, a.id));
    // Meanwhile another agent, after a takeover, requires the authenticator app instead.
    await requireTwoFactor(as(agent), input(a, { method: 'totp' }));
    const error = (await approveTwoFactorOff(
      as(admin),
      input({ id: a.id, version: 2 }, { requestId: request!.id }),
    ).catch((e: unknown) => e)) as ServiceError;
    expect(error.code).toBe('conflict');
    expect(error.message).toContain('changed this account’s 2FA');
    expect(await reload(a.id)).toMatchObject({ twoFactorRequired: true, twoFactorRequiredMethod: 'totp' });
  });

  it('a 2FA-off request expires after 24 h and cannot be approved then; a new one can be filed', async () => {
    const a = await makeAccount({ reportedTwoFactorEnabled: true, reportedTwoFactorMethod: 'sms' });
    await requestTwoFactorOff(as(agent), input(a));
    const again = await requestTwoFactorOff(as(agent), input(a));
    expect(again.changed).toBe(false);
    expect(again.message).toContain('already requested');
    const [request] = await db().select().from(twoFactorOffRequests).where(eq(twoFactorOffRequests.accountId, a.id));
    await db()
      .update(twoFactorOffRequests)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(twoFactorOffRequests.id, request!.id));
    const error = (await approveTwoFactorOff(as(admin), input(a, { requestId: request!.id })).catch(
      (e: unknown) => e,
    )) as ServiceError;
    expect(error.message).toContain('expired');
    expect(await requestTwoFactorOff(as(agent), input(a))).toMatchObject({ changed: true });
  });

  it('a required reset is done once the platform reports a password change after it; then it can be forced again', async () => {
    const { ingestBatch } = await import('@/lib/ingest/ingest-batch');
    const a = await makeAccount();
    const reset = await forcePasswordReset(as(agent), input(a));
    expect(reset.state.passwordResetRequired).toBe(true);
    const changed = (at: number) =>
      ingestBatch(db(), [
        {
          id: `evt_${uniqueSuffix()}`,
          type: 'account.password_changed',
          occurredAt: new Date(at).toISOString(),
          account: { id: a.externalId },
        },
      ]);
    await changed(Date.now() - 3_600_000); // a change from before the reset does not count
    expect((await forcePasswordReset(as(agent), input({ id: a.id, version: 2 }))).changed).toBe(false);
    await changed(Date.now());
    const now = await reload(a.id);
    expect(now.version).toBe(2); // the event changed nothing staff imposed
    const { securityState } = await import('@/lib/accounts/security-state');
    expect(securityState(now).passwordResetRequired).toBe(false);
    expect(await forcePasswordReset(as(agent), input(now))).toMatchObject({
      changed: true,
      state: { passwordResetRequired: true, version: 3 },
    });
  });

  it('2FA off for a customer who enrolled it themselves: due on the security state until the platform reports a 2FA change after the approval', async () => {
    const { ingestBatch } = await import('@/lib/ingest/ingest-batch');
    const { securityState } = await import('@/lib/accounts/security-state');
    const a = await makeAccount({
      reportedTwoFactorEnabled: true,
      reportedTwoFactorMethod: 'totp',
      reportedTwoFactorObservedAt: new Date(Date.now() - 86_400_000),
    });
    await requestTwoFactorOff(as(agent), input(a));
    const [request] = await db().select().from(twoFactorOffRequests).where(eq(twoFactorOffRequests.accountId, a.id));
    const approved = await approveTwoFactorOff(as(admin), input(a, { requestId: request!.id }));
    expect(approved).toMatchObject({
      changed: true,
      state: { twoFactor: { required: false, disableRequired: true }, reported: { twoFactor: { enabled: true } } },
    });
    // Asking again while the platform has not acted is pointless, and says why.
    const again = await requestTwoFactorOff(as(agent), input({ id: a.id, version: approved.state.version }));
    expect(again.changed).toBe(false);
    expect(again.message).toContain('already approved');
    const reported = (enabled: boolean, at: number) =>
      ingestBatch(db(), [
        {
          id: `evt_${uniqueSuffix()}`,
          type: 'account.2fa_changed',
          enabled,
          ...(enabled ? { method: 'sms' } : {}),
          occurredAt: new Date(at).toISOString(),
          account: { id: a.externalId },
        },
      ]);
    await reported(true, Date.now() - 3_600_000); // a report from before the approval does not count
    expect(securityState(await reload(a.id)).twoFactor.disableRequired).toBe(true);
    await reported(false, Date.now());
    const done = await reload(a.id);
    expect(securityState(done).twoFactor).toEqual({ required: false, method: null, disableRequired: false });
    expect(done.version).toBe(approved.state.version); // the event changed nothing staff imposed
  });

  it('requiring 2FA again withdraws an approved turn-off the platform has not carried out', async () => {
    const a = await makeAccount({
      reportedTwoFactorEnabled: true,
      reportedTwoFactorMethod: 'sms',
      twoFactorOffApprovedAt: new Date(Date.now() - 60_000),
    });
    const required = await requireTwoFactor(as(agent), input(a, { method: 'sms' }));
    expect(required).toMatchObject({
      changed: true,
      state: { twoFactor: { required: true, method: 'sms', disableRequired: false } },
    });
    expect((await reload(a.id)).twoFactorOffApprovedAt).toBeNull();
  });

  it('events from the platform never undo what staff imposed', async () => {
    const { ingestBatch } = await import('@/lib/ingest/ingest-batch');
    const a = await makeAccount();
    const locked = await lockAccount(as(agent), input(a));
    await ingestBatch(db(), [
      {
        id: `evt_${uniqueSuffix()}`,
        type: 'account.2fa_changed',
        occurredAt: new Date().toISOString(),
        account: { id: a.externalId, email: 'new@example.com' },
        enabled: false,
      },
    ]);
    const row = await reload(a.id);
    expect(row).toMatchObject({ status: 'locked', version: locked.state.version, email: 'new@example.com' });
  });
});

describe('the webhook', () => {
  it('the webhook is queued in the same transaction when an admin configured one', async () => {
    await db()
      .insert(settings)
      .values({ key: 'webhook', value: { url: 'http://127.0.0.1:9/hook', secret: 'whsec_test', enabled: true } })
      .onConflictDoNothing();
    const a = await makeAccount();
    await lockAccount(as(systemActor), input(a)); // the CLI actor: every permission, no staff id
    const rows = await db()
      .select()
      .from(outbox)
      .where(and(eq(outbox.accountId, a.id), eq(outbox.kind, 'webhook')));
    expect(rows.map((r) => r.payload)).toEqual([
      expect.objectContaining({ type: 'account.security_changed', accountId: a.externalId, action: 'account.lock' }),
    ]);
  });
});

describe('an agent cannot weaken a protection alone', () => {
  it('a lock for a suspected takeover is lifted by an admin only; other locks by an agent too', async () => {
    const a = await makeAccount();
    const locked = await lockAccount(as(agent), input(a)); // reason: suspected_takeover
    await expect(unlockAccount(as(agent), input({ id: a.id, version: locked.state.version }))).rejects.toMatchObject({
      code: 'forbidden',
    });
    expect((await reload(a.id)).status).toBe('locked');
    await expect(unlockAccount(as(admin), input({ id: a.id, version: locked.state.version }))).resolves.toMatchObject({
      changed: true,
    });

    const b = await makeAccount();
    const lockedB = await lockAccount(as(agent), input(b, { reasonCode: 'customer_request_verified' }));
    await expect(unlockAccount(as(agent), input({ id: b.id, version: lockedB.state.version }))).resolves.toMatchObject({
      changed: true,
    });
    expect((await reload(b.id)).lockReasonCode).toBeNull();
  });

  it('replacing a required authenticator app with SMS or e-mail needs an admin; strengthening does not', async () => {
    const a = await makeAccount();
    const totp = await requireTwoFactor(as(agent), input(a, { method: 'totp' }));
    for (const method of ['sms', 'email']) {
      await expect(
        requireTwoFactor(as(agent), input({ id: a.id, version: totp.state.version }, { method })),
      ).rejects.toMatchObject({ code: 'forbidden' });
    }
    expect((await reload(a.id)).twoFactorRequiredMethod).toBe('totp');
    await expect(
      requireTwoFactor(as(admin), input({ id: a.id, version: totp.state.version }, { method: 'sms' })),
    ).resolves.toMatchObject({ changed: true });
    const b = await makeAccount();
    const sms = await requireTwoFactor(as(agent), input(b, { method: 'sms' }));
    await expect(
      requireTwoFactor(as(agent), input({ id: b.id, version: sms.state.version }, { method: 'totp' })),
    ).resolves.toMatchObject({ changed: true });
  });
});
