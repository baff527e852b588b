import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, staffSessions, staffUsers } from '@/db/schema';
import { makeStaff, roomInWindow } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { endStaffSession } from './staff-session';
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

describe('sign-ins leave a trace; guessing from one address is throttled', () => {
  const rows = async (targetId: string) =>
    (await db().select().from(auditLog).where(eq(auditLog.targetId, targetId)).orderBy(auditLog.id)).map((r) => ({
      action: r.action,
      reason: r.reason,
      ip: r.ip,
      after: r.after as Record<string, unknown>,
    }));

  it('success, wrong password, unknown e-mail, lockout and sign-out are audit rows with IP and user agent', async () => {
    const staff = await makeStaff(db(), 'agent');
    const from = { ip: '198.51.100.20', userAgent: 'Firefox/140' };
    const ok = await signInStaff(db(), { email: staff.email, password: staff.password, ...from });
    if (!ok.ok) throw new Error('sign-in failed');
    for (let i = 0; i < maxFailedSignIns; i++) {
      await signInStaff(db(), { email: staff.email, password: 'wrong', ip: `198.51.100.${30 + i}` });
    }
    await endStaffSession(db(), ok.token, { clientIp: '198.51.100.20' });
    const trail = await rows(staff.actor.id);
    expect(trail[0]).toMatchObject({ action: 'staff.sign_in_password_ok', ip: '198.51.100.20' });
    expect(trail[0]!.after).toMatchObject({ email: staff.email, userAgent: 'Firefox/140' });
    expect(trail.filter((r) => r.action === 'staff.sign_in_failed').map((r) => r.reason)).toEqual(
      Array<string>(maxFailedSignIns).fill('bad_password'),
    );
    expect(trail.filter((r) => r.action === 'staff.sign_in_locked_out')).toHaveLength(1);
    expect(trail.at(-1)).toMatchObject({ action: 'staff.sign_out', ip: '198.51.100.20' });
    expect(JSON.stringify(trail)).not.toContain(staff.password);

    const nobody = `nobody.${Date.now()}@test.vigil`;
    await signInStaff(db(), { email: nobody, password: 'x', ip: '198.51.100.99' });
    expect(await rows('unknown')).toContainEqual(
      expect.objectContaining({ action: 'staff.sign_in_failed', reason: 'unknown_email', ip: '198.51.100.99' }),
    );
  });

  it('five wrong passwords from one address (IPv6 by its /64) stop password checks from there for 15 minutes', async () => {
    const victims = await Promise.all(Array.from({ length: 6 }, () => makeStaff(db(), 'agent')));
    const net = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:1`;
    // The failures count in fixed 15-minute windows: the window must not turn between the fifth and the refused one.
    await roomInWindow(signInLockMs);
    for (let i = 0; i < maxFailedSignIns; i++) {
      // A different account each time: no account reaches its own limit.
      await signInStaff(db(), { email: victims[i]!.email, password: 'wrong', ip: `${net}::${i + 1}` });
    }
    const last = victims[maxFailedSignIns]!;
    expect(await signInStaff(db(), { email: last.email, password: last.password, ip: `${net}::99` })).toEqual({
      ok: false,
    });
    expect((await rows(last.actor.id)).map((r) => r.reason)).toEqual(['ip_throttled']);
    // Another address is not affected.
    expect((await signInStaff(db(), { email: last.email, password: last.password, ip: '192.0.2.77' })).ok).toBe(true);
  });
});
