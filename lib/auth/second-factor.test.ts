import { eq } from 'drizzle-orm';
import * as OTPAuth from 'otpauth';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { auditLog, staffFactors, staffSessions } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import { authorize, serviceContext } from '@/lib/context';
import { resetEnvForTests } from '@/lib/env';
import { makeStaff, systemActor } from '@/lib/testing/fixtures';
import { open } from './secret-box';
import {
  confirmTotpEnrolment,
  matchingStep,
  startTotpEnrolment,
  totpPeriodSeconds,
  verifySecondFactor,
  type SignInWho,
} from './second-factor';
import { resolveSignIn } from './staff-session';
import { signInStaff } from './staff-sign-in';

const { db } = setupTestDatabase();
const codeAt = (setupKey: string, ms: number) =>
  new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(setupKey), period: totpPeriodSeconds }).generate({
    timestamp: ms,
  });

beforeAll(() => {
  vi.stubEnv('VIGIL_ENCRYPTION_KEY', Buffer.alloc(32, 7).toString('base64'));
  resetEnvForTests();
});
afterEach(() => vi.useRealTimers());

/** A staff member who has passed the password step, as the second-factor pages see them. */
async function passwordOnly(role: 'agent' | 'admin' = 'agent'): Promise<SignInWho & { token: string }> {
  const staff = await makeStaff(db(), role);
  const result = await signInStaff(db(), { email: staff.email, password: staff.password });
  if (!result.ok) throw new Error('sign-in failed');
  const state = (await resolveSignIn(db(), result.token))!;
  return { ...state, db: db(), token: result.token, clientIp: '203.0.113.9', userAgent: 'test-agent' };
}

describe('authenticator app (TOTP)', () => {
  it('enrols with a QR code and a setup key, stores the seed encrypted, and completes the sign-in', async () => {
    const who = await passwordOnly();
    const enrolment = await startTotpEnrolment(who);
    expect(enrolment.setupKey).toMatch(/^[A-Z2-7]{32}$/);
    expect(enrolment.otpauthUri).toContain('otpauth://totp/Vigil:');
    expect(enrolment.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    const [row] = await db().select().from(staffFactors).where(eq(staffFactors.id, enrolment.factorId));
    expect(row!.secretCiphertext).not.toContain(enrolment.setupKey);
    expect(open(row!.secretCiphertext!)).toBe(enrolment.setupKey);
    await expect(confirmTotpEnrolment(who, { factorId: enrolment.factorId, code: '000000' })).rejects.toMatchObject({
      code: 'invalid',
    });
    const { recoveryCodes } = await confirmTotpEnrolment(who, {
      factorId: enrolment.factorId,
      code: codeAt(enrolment.setupKey, Date.now()),
    });
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    const [session] = await db().select().from(staffSessions).where(eq(staffSessions.id, who.actor.sessionId));
    expect(session!.factorVerifiedAt).not.toBeNull();
    const audit = await db().select().from(auditLog).where(eq(auditLog.targetId, who.actor.id));
    expect(audit.map((a) => a.action)).toContain('staff.factor_enrol');
    expect(JSON.stringify(audit)).not.toContain(enrolment.setupKey);
  });

  it('accepts ±1 step of drift, refuses 2 steps, and refuses a code used once for the rest of its window', () => {
    const secret = new OTPAuth.Secret({ size: 20 }).base32;
    const now = Date.UTC(2026, 11, 4, 12, 0, 15);
    const step = Math.floor(now / 1000 / totpPeriodSeconds);
    expect(matchingStep(secret, codeAt(secret, now), now)).toBe(step);
    expect(matchingStep(secret, codeAt(secret, now - 30_000), now)).toBe(step - 1);
    expect(matchingStep(secret, codeAt(secret, now + 30_000), now)).toBe(step + 1);
    expect(matchingStep(secret, codeAt(secret, now - 60_000), now)).toBeNull();
  });

  it('a later sign-in: a fresh code passes once; the same code again is refused and audited', async () => {
    const who = await passwordOnly();
    const enrolment = await startTotpEnrolment(who);
    const t0 = Date.now();
    await confirmTotpEnrolment(who, { factorId: enrolment.factorId, code: codeAt(enrolment.setupKey, t0) });
    // The enrolment code's step is used: the next sign-in needs the next step's code.
    const reused = codeAt(enrolment.setupKey, t0);
    const later = { ...who, factorVerified: false };
    await expect(verifySecondFactor(later, { code: reused })).rejects.toMatchObject({ code: 'invalid' });
    const next = codeAt(enrolment.setupKey, t0 + 30_000);
    await expect(verifySecondFactor(later, { code: next })).resolves.toMatchObject({ method: 'totp' });
    await expect(verifySecondFactor(later, { code: next })).rejects.toMatchObject({ code: 'invalid' });
    const actions = (await db().select().from(auditLog).where(eq(auditLog.targetId, who.actor.id))).map(
      (a) => a.action,
    );
    expect(actions.filter((a) => a === 'staff.second_factor_failed')).toHaveLength(2);
    expect(actions).toContain('staff.sign_in');
    const failed = (await db().select().from(auditLog).where(eq(auditLog.targetId, who.actor.id))).find(
      (a) => a.action === 'staff.second_factor_failed',
    );
    expect(failed!.ip).toBe('203.0.113.9');
  });

  it('a second factor cannot be added to an enrolled account without verifying first', async () => {
    const who = await passwordOnly();
    const enrolment = await startTotpEnrolment(who);
    await confirmTotpEnrolment(who, { factorId: enrolment.factorId, code: codeAt(enrolment.setupKey, Date.now()) });
    await expect(startTotpEnrolment({ ...who, factorVerified: false })).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('recovery codes', () => {
  it('each works once, in any format the customer types it', async () => {
    const who = await passwordOnly();
    const enrolment = await startTotpEnrolment(who);
    const { recoveryCodes } = await confirmTotpEnrolment(who, {
      factorId: enrolment.factorId,
      code: codeAt(enrolment.setupKey, Date.now()),
    });
    const later = { ...who, factorVerified: false };
    const [first, second] = recoveryCodes!;
    await expect(verifySecondFactor(later, { code: first!.toLowerCase() })).resolves.toMatchObject({
      method: 'recovery',
      recoveryCodesLeft: 9,
    });
    await expect(verifySecondFactor(later, { code: first! })).rejects.toMatchObject({ code: 'invalid' });
    await expect(verifySecondFactor(later, { code: second!.replace('-', '') })).resolves.toMatchObject({
      recoveryCodesLeft: 8,
    });
  });
});

describe('step-up', () => {
  it('a change that needs it is refused without a recent second factor, and allowed with one', async () => {
    vi.stubEnv('VIGIL_STEP_UP_MAX_AGE', '300');
    resetEnvForTests();
    const staff = await makeStaff(db(), 'admin');
    const at = (secondsAgo: number | null) =>
      serviceContext(db(), {
        ...staff.actor,
        factorVerifiedAt: secondsAgo === null ? null : new Date(Date.now() - secondsAgo * 1000),
      });
    expect(() => authorize(at(null), 'accounts.act', { stepUp: true })).toThrow(
      expect.objectContaining({ code: 'step_up_required' }),
    );
    expect(() => authorize(at(301), 'accounts.act', { stepUp: true })).toThrow(
      expect.objectContaining({ code: 'step_up_required' }),
    );
    expect(() => authorize(at(299), 'accounts.act', { stepUp: true })).not.toThrow();
    expect(() => authorize(at(null), 'accounts.act')).not.toThrow();
    // The operator at the shell (CLI, seed) is not asked.
    expect(() => authorize(serviceContext(db(), systemActor), 'accounts.act', { stepUp: true })).not.toThrow();
  });
});
