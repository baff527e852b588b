import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { staffSessions, staffUsers } from '@/db/schema';
import { makeStaff, passSecondFactor } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { endStaffSession, resolveSignIn, resolveStaffSession, sessionAbsoluteMs, sessionIdleMs } from './staff-session';
import { signInStaff } from './staff-sign-in';
import { newSecretToken } from './tokens';

const { db } = setupTestDatabase();
const start = new Date('2026-04-01T08:00:00Z');
const at = (ms: number) => () => new Date(start.getTime() + ms);

async function signedIn(role: 'agent' | 'analyst' | 'admin' = 'agent') {
  const staff = await makeStaff(db(), role);
  const result = await signInStaff(db(), { email: staff.email, password: staff.password }, at(0));
  if (!result.ok) throw new Error('sign-in failed');
  await passSecondFactor(db(), result.token, at(0)());
  return { ...staff, token: result.token };
}

describe('staff sessions, re-checked on every request', () => {
  it('a session that passed only the password is a sign-in in progress, never a staff session', async () => {
    const staff = await makeStaff(db(), 'admin');
    const result = await signInStaff(db(), { email: staff.email, password: staff.password }, at(0));
    if (!result.ok) throw new Error('sign-in failed');
    expect(await resolveStaffSession(db(), result.token, at(1000))).toBeNull();
    expect(await resolveSignIn(db(), result.token, at(1000))).toMatchObject({
      factorVerified: false,
      actor: { id: staff.actor.id, role: 'admin' },
    });
    await passSecondFactor(db(), result.token, at(2000)());
    expect((await resolveStaffSession(db(), result.token, at(3000)))?.factorVerifiedAt).toEqual(at(2000)());
  });

  it('resolves a fresh session to the staff member with the role from the database', async () => {
    const s = await signedIn('analyst');
    const actor = await resolveStaffSession(db(), s.token, at(1000));
    expect(actor).toMatchObject({ kind: 'staff', id: s.actor.id, email: s.email, role: 'analyst' });
  });

  it('refuses unknown, empty and forged tokens', async () => {
    expect(await resolveStaffSession(db(), newSecretToken(), at(0))).toBeNull();
    expect(await resolveStaffSession(db(), '', at(0))).toBeNull();
    expect(await resolveStaffSession(db(), undefined, at(0))).toBeNull();
  });

  it('applies a role change on the next request', async () => {
    const s = await signedIn('admin');
    await db().update(staffUsers).set({ role: 'agent' }).where(eq(staffUsers.id, s.actor.id));
    expect((await resolveStaffSession(db(), s.token, at(1000)))?.role).toBe('agent');
  });

  it('refuses a disabled staff member on the next request', async () => {
    const s = await signedIn();
    await db().update(staffUsers).set({ disabled: true }).where(eq(staffUsers.id, s.actor.id));
    expect(await resolveStaffSession(db(), s.token, at(1000))).toBeNull();
  });

  it('refuses a session after sign-out: a copied cookie dies with it', async () => {
    const s = await signedIn();
    await endStaffSession(db(), s.token, {}, at(500));
    expect(await resolveStaffSession(db(), s.token, at(1000))).toBeNull();
  });

  it('refuses sessions of an older session version (password reset, disable)', async () => {
    const s = await signedIn();
    await db()
      .update(staffUsers)
      .set({ sessionVersion: sql`${staffUsers.sessionVersion} + 1` })
      .where(eq(staffUsers.id, s.actor.id));
    expect(await resolveStaffSession(db(), s.token, at(1000))).toBeNull();
  });

  it('expires after 30 idle minutes', async () => {
    const s = await signedIn();
    expect(await resolveStaffSession(db(), s.token, at(sessionIdleMs))).not.toBeNull();
    const other = await signedIn();
    expect(await resolveStaffSession(db(), other.token, at(sessionIdleMs + 1))).toBeNull();
  });

  it('activity keeps a session alive, but never past 12 hours', async () => {
    const s = await signedIn();
    for (let t = 20 * 60_000; t < sessionAbsoluteMs; t += 20 * 60_000) {
      expect(await resolveStaffSession(db(), s.token, at(t))).not.toBeNull();
    }
    expect(await resolveStaffSession(db(), s.token, at(sessionAbsoluteMs + 1))).toBeNull();
  });

  it('writes last-seen at most once a minute', async () => {
    const s = await signedIn();
    const lastSeen = async () =>
      (await db().select().from(staffSessions).where(eq(staffSessions.staffId, s.actor.id)))[0]!.lastSeenAt.getTime();
    await resolveStaffSession(db(), s.token, at(30_000));
    expect(await lastSeen()).toBe(start.getTime());
    await resolveStaffSession(db(), s.token, at(61_000));
    expect(await lastSeen()).toBe(start.getTime() + 61_000);
  });
});
