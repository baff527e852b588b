import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, staffSessions } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import { resolveSignIn, resolveStaffSession } from '@/lib/auth/staff-session';
import { signInStaff } from '@/lib/auth/staff-sign-in';
import { serviceContext } from '@/lib/context';
import { makeStaff, passSecondFactor } from '@/lib/testing/fixtures';
import { changeOwnPassword, endSession, listOwnSessions, listStaffSessions } from './staff-sessions';

const { db } = setupTestDatabase();

async function signedIn(role: 'agent' | 'admin', ip: string) {
  const staff = await makeStaff(db(), role);
  const result = await signInStaff(db(), { email: staff.email, password: staff.password, ip, userAgent: 'ua/1' });
  if (!result.ok) throw new Error('sign-in failed');
  await passSecondFactor(db(), result.token);
  const actor = (await resolveStaffSession(db(), result.token))!;
  return { ...staff, token: result.token, ctx: serviceContext(db(), actor) };
}

describe('staff sessions, seen and ended by their owner and by admins', () => {
  it('a staff member sees and ends their own sessions; another member’s is a 404; an admin ends anyone’s', async () => {
    const agent = await signedIn('agent', '198.51.100.5');
    const second = await signInStaff(db(), { email: agent.email, password: agent.password, ip: '203.0.113.50' });
    if (!second.ok) throw new Error('sign-in failed');
    const mine = await listOwnSessions(agent.ctx);
    expect(mine.map((s) => [s.ip, s.current, s.secondFactor]).sort()).toEqual(
      [
        ['198.51.100.5', true, true],
        ['203.0.113.50', false, false],
      ].sort(),
    );
    const other = mine.find((s) => !s.current)!;
    await expect(endSession(agent.ctx, { sessionId: other.id })).resolves.toMatchObject({ changed: true });
    expect(await resolveSignIn(db(), second.token)).toBeNull();

    const stranger = await signedIn('agent', '192.0.2.1');
    const [strangerSession] = await listOwnSessions(stranger.ctx);
    await expect(endSession(agent.ctx, { sessionId: strangerSession!.id })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(listStaffSessions(agent.ctx)).rejects.toMatchObject({ code: 'forbidden' });

    const admin = await signedIn('admin', '192.0.2.2');
    expect((await listStaffSessions(admin.ctx)).map((s) => s.id)).toContain(strangerSession!.id);
    await endSession(admin.ctx, { sessionId: strangerSession!.id });
    expect(await resolveStaffSession(db(), stranger.token)).toBeNull();
    const audit = await db().select().from(auditLog).where(eq(auditLog.targetId, stranger.actor.id));
    expect(audit.map((a) => [a.action, a.actorEmail])).toContainEqual(['staff.session_end', admin.email]);
  });

  it('changing one’s password needs the current one and ends one’s other sessions, not this one', async () => {
    const agent = await signedIn('agent', '198.51.100.6');
    const elsewhere = await signInStaff(db(), { email: agent.email, password: agent.password });
    if (!elsewhere.ok) throw new Error('sign-in failed');
    await expect(
      changeOwnPassword(agent.ctx, { currentPassword: 'wrong', newPassword: 'a brand new passphrase' }),
    ).rejects.toMatchObject({ code: 'invalid', fieldErrors: { currentPassword: ['is not right'] } });
    await expect(
      changeOwnPassword(agent.ctx, { currentPassword: agent.password, newPassword: 'short' }),
    ).rejects.toMatchObject({ code: 'invalid' });
    await changeOwnPassword(agent.ctx, { currentPassword: agent.password, newPassword: 'a brand new passphrase' });
    expect(await resolveStaffSession(db(), agent.token)).not.toBeNull();
    expect(await resolveSignIn(db(), elsewhere.token)).toBeNull();
    expect((await signInStaff(db(), { email: agent.email, password: 'a brand new passphrase' })).ok).toBe(true);
    const [row] = await db().select().from(staffSessions).where(eq(staffSessions.staffId, agent.actor.id)).limit(1);
    expect(row).toBeDefined();
  });
});
