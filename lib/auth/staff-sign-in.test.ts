import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { staffSessions, staffUsers } from '@/db/schema';
import { makeStaff } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { maxFailedSignIns, signInLockMs, signInStaff } from './staff-sign-in';
import { sha256Hex } from './tokens';

const { db } = setupTestDatabase();

describe('staff sign-in', () => {
  it('signs in with the right password and stores only a hash of the session token', async () => {
    const staff = await makeStaff(db(), 'agent');
    const result = await signInStaff(db(), { email: staff.email.toUpperCase(), password: staff.password });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.token.length).toBeGreaterThanOrEqual(43); // 256 bits, base64url
    const sessions = await db().select().from(staffSessions).where(eq(staffSessions.staffId, staff.actor.id));
    expect(sessions).toHaveLength(1);
    expect(sessions[0]!.tokenHash).toBe(sha256Hex(result.token));
    expect(JSON.stringify(sessions)).not.toContain(result.token);
  });

  it('gives the same answer for a wrong password, an unknown e-mail and a disabled member', async () => {
    const staff = await makeStaff(db(), 'agent');
    const disabled = await makeStaff(db(), 'analyst');
    await db().update(staffUsers).set({ disabled: true }).where(eq(staffUsers.id, disabled.actor.id));
    expect(await signInStaff(db(), { email: staff.email, password: 'wrong password!' })).toEqual({ ok: false });
    expect(await signInStaff(db(), { email: 'nobody@test.vigil', password: 'whatever' })).toEqual({ ok: false });
    expect(await signInStaff(db(), { email: disabled.email, password: disabled.password })).toEqual({ ok: false });
  });

  it('locks for 15 minutes after 5 failures, even for the right password, then lets the member in', async () => {
    const staff = await makeStaff(db(), 'agent');
    let now = new Date('2026-03-01T10:00:00Z');
    const clock = () => now;
    for (let i = 0; i < maxFailedSignIns; i++) {
      expect((await signInStaff(db(), { email: staff.email, password: `wrong-${i}` }, clock)).ok).toBe(false);
    }
    const [locked] = await db().select().from(staffUsers).where(eq(staffUsers.id, staff.actor.id));
    expect(locked!.lockedUntil?.getTime()).toBe(now.getTime() + signInLockMs);
    expect((await signInStaff(db(), { email: staff.email, password: staff.password }, clock)).ok).toBe(false);

    now = new Date(now.getTime() + signInLockMs - 1000);
    expect((await signInStaff(db(), { email: staff.email, password: staff.password }, clock)).ok).toBe(false);

    now = new Date(now.getTime() + 2000);
    expect((await signInStaff(db(), { email: staff.email, password: staff.password }, clock)).ok).toBe(true);
    const [after] = await db().select().from(staffUsers).where(eq(staffUsers.id, staff.actor.id));
    expect(after!.failedLoginCount).toBe(0);
    expect(after!.lockedUntil).toBeNull();
  });

  it('a success before the limit resets the counter', async () => {
    const staff = await makeStaff(db(), 'agent');
    for (let i = 0; i < maxFailedSignIns - 1; i++) await signInStaff(db(), { email: staff.email, password: 'nope' });
    expect((await signInStaff(db(), { email: staff.email, password: staff.password })).ok).toBe(true);
    for (let i = 0; i < maxFailedSignIns - 1; i++) await signInStaff(db(), { email: staff.email, password: 'nope' });
    expect((await signInStaff(db(), { email: staff.email, password: staff.password })).ok).toBe(true);
  });

  it('50 parallel wrong guesses never count past the limit, and the right password is refused afterwards', async () => {
    const staff = await makeStaff(db(), 'admin');
    const now = new Date('2026-03-01T12:00:00Z');
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        signInStaff(db(), { email: staff.email, password: `guess-${i}` }, () => now),
      ),
    );
    expect(results.every((r) => !r.ok)).toBe(true);
    const [row] = await db().select().from(staffUsers).where(eq(staffUsers.id, staff.actor.id));
    expect(row!.failedLoginCount).toBe(maxFailedSignIns);
    expect(row!.lockedUntil?.getTime()).toBe(now.getTime() + signInLockMs);
    expect((await signInStaff(db(), { email: staff.email, password: staff.password }, () => now)).ok).toBe(false);
  });

  it('a right password racing 49 wrong ones yields at most one session and never exceeds the limit', async () => {
    const staff = await makeStaff(db(), 'agent');
    const attempts = Array.from({ length: 50 }, (_, i) => (i === 25 ? staff.password : `guess-${i}`));
    const results = await Promise.all(attempts.map((password) => signInStaff(db(), { email: staff.email, password })));
    expect(results.filter((r) => r.ok).length).toBeLessThanOrEqual(1);
    const [row] = await db().select().from(staffUsers).where(eq(staffUsers.id, staff.actor.id));
    expect(row!.failedLoginCount).toBeLessThanOrEqual(maxFailedSignIns);
  });
});
