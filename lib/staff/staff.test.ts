import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, staffEnrolmentLinks, staffUsers } from '@/db/schema';
import { makeStaff, passSecondFactor, systemActor, uniqueSuffix } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { resolveStaffSession } from '@/lib/auth/staff-session';
import { signInStaff } from '@/lib/auth/staff-sign-in';
import { serviceContext } from '@/lib/context';
import { changeStaffRole } from './change-staff-role';
import { createStaff } from './create-staff';
import { disableStaff } from './disable-staff';
import { enableStaff } from './enable-staff';
import { resetStaffPassword } from './reset-staff-password';
import { completeEnrolment, enrolmentLinkState } from './enrolment-links';
import { confirmedFactorCount } from '@/lib/auth/second-factor';

const { db } = setupTestDatabase();
// The staff verbs' own rows (sign-ins and sign-outs of the member are audited too: lib/auth/staff-sign-in.test.ts).
const auditFor = async (targetId: string) =>
  (await db().select().from(auditLog).where(eq(auditLog.targetId, targetId))).filter(
    (r) => !r.action.startsWith('staff.sign_'),
  );

describe('staff management', () => {
  it('creates a staff member who enrols through a one-time link (no admin-chosen password), audited without it', async () => {
    const admin = await makeStaff(db(), 'admin');
    const email = `New.${uniqueSuffix()}@Test.Vigil`;
    const created = await createStaff(serviceContext(db(), admin.actor), {
      email,
      name: 'New Person',
      role: 'analyst',
    });
    const token = new URL(created.enrolmentUrl).pathname.replace('/enrol/', '');
    expect(created.enrolmentUrl).toMatch(/^http:\/\/localhost:\d+\/enrol\/[\w-]{43}$/);
    expect(created.email).toBe(email.toLowerCase());
    expect(await enrolmentLinkState(db(), token)).toMatchObject({ state: 'valid', email: email.toLowerCase() });
    await completeEnrolment(db(), token, { password: 'my own long passphrase', confirm: 'my own long passphrase' });
    expect((await signInStaff(db(), { email, password: 'my own long passphrase' })).ok).toBe(true);
    const audit = await auditFor(created.id);
    expect(audit.map((a) => a.action)).toEqual(['staff.create', 'staff.enrol']);
    expect(audit[0]).toMatchObject({
      action: 'staff.create',
      actorId: admin.actor.id,
      actorRole: 'admin',
      after: { email: email.toLowerCase(), role: 'analyst', name: 'New Person' },
    });
    expect(JSON.stringify(audit)).not.toContain(token);
  });

  it('an enrolment link works once, within 24 h; opening it uses nothing up; a mismatch changes nothing', async () => {
    const admin = await makeStaff(db(), 'admin');
    const created = await createStaff(serviceContext(db(), admin.actor), {
      email: `link.${uniqueSuffix()}@test.vigil`,
      name: 'Link',
      role: 'agent',
    });
    const token = new URL(created.enrolmentUrl).pathname.replace('/enrol/', '');
    expect((await enrolmentLinkState(db(), token)).state).toBe('valid');
    expect((await enrolmentLinkState(db(), token)).state).toBe('valid');
    await expect(
      completeEnrolment(db(), token, { password: 'a long enough one', confirm: 'something else' }),
    ).rejects.toMatchObject({ code: 'invalid', fieldErrors: { confirm: ['does not match the password'] } });
    await expect(completeEnrolment(db(), token, { password: 'short', confirm: 'short' })).rejects.toMatchObject({
      code: 'invalid',
    });
    expect((await enrolmentLinkState(db(), token)).state).toBe('valid');
    await completeEnrolment(db(), token, { password: 'a long enough one', confirm: 'a long enough one' });
    expect((await enrolmentLinkState(db(), token)).state).toBe('used');
    await expect(
      completeEnrolment(db(), token, { password: 'an attacker’s choice', confirm: 'an attacker’s choice' }),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect((await signInStaff(db(), { email: created.email, password: 'an attacker’s choice' })).ok).toBe(false);

    const other = await createStaff(serviceContext(db(), admin.actor), {
      email: `late.${uniqueSuffix()}@test.vigil`,
      name: 'Late',
      role: 'agent',
    });
    const late = new URL(other.enrolmentUrl).pathname.replace('/enrol/', '');
    await db()
      .update(staffEnrolmentLinks)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(staffEnrolmentLinks.staffId, other.id));
    expect((await enrolmentLinkState(db(), late)).state).toBe('expired');
    await expect(
      completeEnrolment(db(), late, { password: 'a long enough one', confirm: 'a long enough one' }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
    expect((await enrolmentLinkState(db(), 'not-a-real-token-at-all-000000')).state).toBe('unknown');
  });

  it('names every invalid field and stores nothing', async () => {
    const admin = await makeStaff(db(), 'admin');
    await expect(
      createStaff(serviceContext(db(), admin.actor), { email: 'not-an-email', name: '', role: 'boss' as 'agent' }),
    ).rejects.toMatchObject({
      code: 'invalid',
      fieldErrors: {
        email: expect.any(Array) as unknown,
        name: expect.any(Array) as unknown,
        role: expect.any(Array) as unknown,
      },
    });
    expect(await db().select().from(staffUsers).where(eq(staffUsers.email, 'not-an-email'))).toHaveLength(0);
  });

  it('refuses a duplicate e-mail (any case) with a conflict', async () => {
    const existing = await makeStaff(db(), 'agent');
    await expect(
      createStaff(serviceContext(db(), systemActor), {
        email: existing.email.toUpperCase(),
        name: 'Dup',
        role: 'agent',
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('ignores extra fields such as a forged id or disabled flag', async () => {
    const email = `extra.${uniqueSuffix()}@test.vigil`;
    const input = {
      email,
      name: 'Extra',
      role: 'agent',
      disabled: true,
      id: '00000000-0000-0000-0000-000000000000',
      isAdmin: true,
    } as never;
    const created = await createStaff(serviceContext(db(), systemActor), input);
    const [row] = await db().select().from(staffUsers).where(eq(staffUsers.id, created.id));
    expect(row).toMatchObject({ disabled: false, role: 'agent' });
    expect(created.id).not.toBe('00000000-0000-0000-0000-000000000000');
  });

  it('lets only admins (and the CLI) manage staff', async () => {
    for (const role of ['agent', 'analyst'] as const) {
      const { actor } = await makeStaff(db(), role);
      const target = await makeStaff(db(), 'agent');
      await expect(
        createStaff(serviceContext(db(), actor), { email: `x.${uniqueSuffix()}@test.vigil`, name: 'X', role: 'admin' }),
      ).rejects.toMatchObject({ code: 'forbidden' });
      await expect(
        changeStaffRole(serviceContext(db(), actor), { staffId: actor.id, role: 'admin' }),
      ).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(disableStaff(serviceContext(db(), actor), { staffId: target.actor.id })).rejects.toMatchObject({
        code: 'forbidden',
      });
      await expect(resetStaffPassword(serviceContext(db(), actor), { staffId: target.actor.id })).rejects.toMatchObject(
        {
          code: 'forbidden',
        },
      );
      expect(await auditFor(target.actor.id)).toHaveLength(0);
    }
  });

  it('changes a role with before/after in the audit row; the same role again changes nothing', async () => {
    const admin = await makeStaff(db(), 'admin');
    const target = await makeStaff(db(), 'agent');
    expect(
      await changeStaffRole(serviceContext(db(), admin.actor), { staffId: target.actor.id, role: 'analyst' }),
    ).toMatchObject({
      changed: true,
    });
    expect(
      await changeStaffRole(serviceContext(db(), admin.actor), { staffId: target.actor.id, role: 'analyst' }),
    ).toMatchObject({
      changed: false,
    });
    const audit = await auditFor(target.actor.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'staff.change_role',
      before: { role: 'agent' },
      after: { role: 'analyst' },
    });
  });

  it('gives the same not-found for unknown and malformed ids', async () => {
    await expect(
      disableStaff(serviceContext(db(), systemActor), { staffId: '6f1c8f2e-1111-4a2b-9c3d-123456789abc' }),
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(disableStaff(serviceContext(db(), systemActor), { staffId: 'nope' })).rejects.toMatchObject({
      code: 'invalid',
    });
  });

  it('disabling ends every session at once; enabling lets the member sign in again', async () => {
    const admin = await makeStaff(db(), 'admin');
    const target = await makeStaff(db(), 'agent');
    const signIn = await signInStaff(db(), { email: target.email, password: target.password });
    if (!signIn.ok) throw new Error('sign-in failed');
    await passSecondFactor(db(), signIn.token);
    expect(await resolveStaffSession(db(), signIn.token)).not.toBeNull();
    expect(await disableStaff(serviceContext(db(), admin.actor), { staffId: target.actor.id })).toMatchObject({
      changed: true,
    });
    expect(await resolveStaffSession(db(), signIn.token)).toBeNull();
    expect(await disableStaff(serviceContext(db(), admin.actor), { staffId: target.actor.id })).toMatchObject({
      changed: false,
    });
    expect((await signInStaff(db(), { email: target.email, password: target.password })).ok).toBe(false);
    await enableStaff(serviceContext(db(), admin.actor), { staffId: target.actor.id });
    expect((await signInStaff(db(), { email: target.email, password: target.password })).ok).toBe(true);
    const actions = (await auditFor(target.actor.id)).map((r) => r.action);
    expect(actions.sort()).toEqual(['staff.disable', 'staff.enable']);
  });

  it('an admin cannot disable or demote themselves', async () => {
    const admin = await makeStaff(db(), 'admin');
    await expect(disableStaff(serviceContext(db(), admin.actor), { staffId: admin.actor.id })).rejects.toMatchObject({
      code: 'conflict',
    });
    await expect(
      changeStaffRole(serviceContext(db(), admin.actor), { staffId: admin.actor.id, role: 'agent' }),
    ).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('resetting a password ends sessions, clears a lock, and only the new password works', async () => {
    const admin = await makeStaff(db(), 'admin');
    const target = await makeStaff(db(), 'agent');
    const signIn = await signInStaff(db(), { email: target.email, password: target.password });
    if (!signIn.ok) throw new Error('sign-in failed');
    await passSecondFactor(db(), signIn.token);
    expect(await resolveStaffSession(db(), signIn.token)).not.toBeNull();
    await db()
      .update(staffUsers)
      .set({ failedLoginCount: 5, lockedUntil: new Date(Date.now() + 600_000) })
      .where(eq(staffUsers.id, target.actor.id));
    const { enrolmentUrl } = await resetStaffPassword(serviceContext(db(), admin.actor), { staffId: target.actor.id });
    expect(await resolveStaffSession(db(), signIn.token)).toBeNull();
    expect((await signInStaff(db(), { email: target.email, password: target.password })).ok).toBe(false);
    const password = 'a fresh passphrase of mine';
    const token = new URL(enrolmentUrl).pathname.replace('/enrol/', '');
    await completeEnrolment(db(), token, { password, confirm: password });
    expect((await signInStaff(db(), { email: target.email, password })).ok).toBe(true);
    // Second factors were removed with the reset: the next sign-in enrols a new one.
    expect(await confirmedFactorCount(db(), target.actor.id)).toBe(0);
    const [audit] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, target.actor.id), eq(auditLog.action, 'staff.reset_password')));
    expect(JSON.stringify(audit)).not.toContain(token);
  });
});
