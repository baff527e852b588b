import { and, desc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { auditLog, staffSessions, staffUsers } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import { parseEnv } from '@/lib/env';
import { makeStaff } from '@/lib/testing/fixtures';
import { oidcSettings, roleFromClaim, signInWithOidc } from './oidc';
import { resolveSignIn } from './staff-session';

const { db } = setupTestDatabase();

const configured = {
  VIGIL_OIDC_ISSUER: 'https://login.example.com/realms/staff/',
  VIGIL_OIDC_CLIENT_ID: 'vigil',
  VIGIL_OIDC_CLIENT_SECRET: 'client-secret',
  VIGIL_OIDC_ROLE_CLAIM: 'groups',
  VIGIL_OIDC_ROLE_MAP: 'vigil-admins=admin, vigil-agents=agent,vigil-analysts=analyst',
};
const settings = oidcSettings(parseEnv(configured))!;
const now = new Date('2026-06-01T12:00:00Z');
const clock = () => now;

async function lastAudit(staffId: string | null) {
  const [row] = await db()
    .select()
    .from(auditLog)
    .where(staffId ? eq(auditLog.targetId, staffId) : eq(auditLog.targetId, 'unknown'))
    .orderBy(desc(auditLog.id))
    .limit(1);
  return row!;
}

describe('staff single sign-on: configuration', () => {
  it('is off without an issuer, and a half configuration names what is missing', () => {
    expect(oidcSettings(parseEnv({}))).toBeNull();
    expect(() => oidcSettings(parseEnv({ VIGIL_OIDC_ISSUER: 'https://login.example.com' }))).toThrow(
      /VIGIL_OIDC_CLIENT_ID: required[\s\S]*VIGIL_OIDC_CLIENT_SECRET: required/,
    );
    expect(() => oidcSettings(parseEnv({ ...configured, VIGIL_OIDC_ROLE_MAP: '' }))).toThrow(/VIGIL_OIDC_ROLE_MAP/);
    expect(() => oidcSettings(parseEnv({ ...configured, VIGIL_OIDC_ROLE_MAP: 'vigil-admins=root' }))).toThrow(
      /"vigil-admins=root" must be <claim value>=<agent\|analyst\|admin>/,
    );
    expect(settings.issuer).toBe('https://login.example.com/realms/staff');
    expect(settings.roleMap.get('vigil-agents')).toBe('agent');
  });

  it('maps a string or a list of groups to the most powerful mapped role, and nothing to none', () => {
    expect(roleFromClaim(settings, { groups: 'vigil-analysts' })).toBe('analyst');
    expect(roleFromClaim(settings, { groups: ['vigil-analysts', 'x', 'vigil-admins', 'vigil-agents'] })).toBe('admin');
    expect(roleFromClaim(settings, { groups: ['marketing'] })).toBeNull();
    expect(roleFromClaim(settings, {})).toBeNull();
    expect(roleFromClaim(settings, { groups: [{ toString: () => 'vigil-admins' }] })).toBeNull();
  });
});

describe('staff single sign-on: who gets in', () => {
  it('an IdP that did MFA makes a whole staff session whose factor counts from the IdP’s auth_time', async () => {
    const staff = await makeStaff(db(), 'agent');
    const authTime = Math.floor(now.getTime() / 1000) - 600;
    const result = await signInWithOidc(
      db(),
      settings,
      {
        sub: 'idp-1',
        email: staff.email.toUpperCase(),
        amr: ['pwd', 'hwk'],
        auth_time: authTime,
        groups: 'vigil-agents',
      },
      { ip: '198.51.100.7', userAgent: 'Browser/1' },
      clock,
    );
    expect(result).toMatchObject({ ok: true, factorVerified: true, staffId: staff.actor.id });
    if (!result.ok) return;
    const state = await resolveSignIn(db(), result.token, clock);
    expect(state?.factorVerified).toBe(true);
    expect(state?.actor.factorVerifiedAt?.getTime()).toBe(authTime * 1000);
    const [session] = await db().select().from(staffSessions).where(eq(staffSessions.staffId, staff.actor.id));
    expect(session).toMatchObject({ ip: '198.51.100.7', userAgent: 'Browser/1' });
    expect(await lastAudit(staff.actor.id)).toMatchObject({ action: 'staff.sign_in', ip: '198.51.100.7' });
  });

  it('without MFA in amr the session waits for Vigil’s own second factor', async () => {
    const staff = await makeStaff(db(), 'agent');
    for (const amr of [undefined, ['pwd'], 'mfa']) {
      const result = await signInWithOidc(
        db(),
        settings,
        { sub: 's', email: staff.email, amr, groups: ['vigil-agents'] },
        {},
        clock,
      );
      expect(result).toMatchObject({ ok: true, factorVerified: false });
      if (!result.ok) return;
      const state = await resolveSignIn(db(), result.token, clock);
      expect(state).toMatchObject({ factorVerified: false });
    }
    expect(await lastAudit(staff.actor.id)).toMatchObject({ action: 'staff.sign_in_sso_ok' });
  });

  it('the IdP’s groups set the role at each sign-in, audited', async () => {
    const staff = await makeStaff(db(), 'analyst');
    await signInWithOidc(db(), settings, { sub: 's', email: staff.email, amr: ['mfa'], groups: ['vigil-admins'] });
    const [row] = await db().select().from(staffUsers).where(eq(staffUsers.id, staff.actor.id));
    expect(row!.role).toBe('admin');
    const [change] = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, staff.actor.id), eq(auditLog.action, 'staff.change_role')));
    expect(change).toMatchObject({ reason: 'sso_role_claim', before: { role: 'analyst' }, after: { role: 'admin' } });

    // Without a role claim configured, Vigil's own role stands whatever the IdP sends.
    const own = oidcSettings(parseEnv({ ...configured, VIGIL_OIDC_ROLE_CLAIM: '', VIGIL_OIDC_ROLE_MAP: '' }))!;
    await signInWithOidc(db(), own, { sub: 's', email: staff.email, amr: ['mfa'], groups: ['vigil-analysts'] });
    const [after] = await db().select().from(staffUsers).where(eq(staffUsers.id, staff.actor.id));
    expect(after!.role).toBe('admin');
  });

  it('refuses, with the reason in the audit log only: unknown e-mail, disabled, no mapped group, no or unverified e-mail', async () => {
    const staff = await makeStaff(db(), 'agent');
    const disabled = await makeStaff(db(), 'agent');
    await db().update(staffUsers).set({ disabled: true }).where(eq(staffUsers.id, disabled.actor.id));
    const cases: [Record<string, unknown>, string, string | null][] = [
      [{ email: 'nobody@example.com', groups: 'vigil-agents' }, 'sso_unknown_email', null],
      [{ email: disabled.email, groups: 'vigil-agents' }, 'disabled', disabled.actor.id],
      [{ email: staff.email, groups: ['marketing'] }, 'sso_no_role', staff.actor.id],
      [{ groups: 'vigil-agents' }, 'sso_no_email', null],
      [{ email: staff.email, email_verified: false, groups: 'vigil-agents' }, 'sso_email_unverified', null],
    ];
    for (const [claims, reason, target] of cases) {
      expect(
        await signInWithOidc(db(), settings, { sub: 's', amr: ['mfa'], ...claims }, { ip: '203.0.113.9' }),
      ).toEqual({
        ok: false,
      });
      expect(await lastAudit(target)).toMatchObject({ action: 'staff.sign_in_failed', reason, ip: '203.0.113.9' });
    }
    const sessions = await db().select().from(staffSessions).where(eq(staffSessions.staffId, staff.actor.id));
    expect(sessions).toHaveLength(0);
    const [unchanged] = await db().select().from(staffUsers).where(eq(staffUsers.id, staff.actor.id));
    expect(unchanged!.role).toBe('agent');
  });
});
