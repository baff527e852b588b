import * as OTPAuth from 'otpauth';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { setupTestDatabase } from '@/db/testing/test-database';
import { confirmTotpEnrolment, startTotpEnrolment, type SignInWho } from '@/lib/auth/second-factor';
import { resolveSignIn } from '@/lib/auth/staff-session';
import { signInStaff } from '@/lib/auth/staff-sign-in';
import { authorize } from '@/lib/context';
import { resetEnvForTests } from '@/lib/env';
import { makeStaff } from '@/lib/testing/fixtures';
import { runStaffAction } from './server-action';

const { db } = setupTestDatabase();
beforeAll(() => {
  vi.stubEnv('VIGIL_ENCRYPTION_KEY', Buffer.alloc(32, 3).toString('base64'));
  vi.stubEnv('VIGIL_STEP_UP_MAX_AGE', '300');
  resetEnvForTests();
});

describe('step-up through the server-action adapter', () => {
  it('an old second factor is asked for again; the code rides with the same submission, which then carries on', async () => {
    const staff = await makeStaff(db(), 'agent');
    const signIn = await signInStaff(db(), { email: staff.email, password: staff.password });
    if (!signIn.ok) throw new Error('sign-in failed');
    const state = (await resolveSignIn(db(), signIn.token))!;
    const who: SignInWho = { ...state, db: db(), requestId: 'req-1' };
    const enrolment = await startTotpEnrolment(who);
    const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(enrolment.setupKey) });
    const t0 = Date.now();
    await confirmTotpEnrolment(who, { factorId: enrolment.factorId, code: totp.generate({ timestamp: t0 }) });
    // The sign-in was an hour ago: too old for a change that needs step-up.
    const verified: SignInWho = {
      ...who,
      factorVerified: true,
      actor: { ...who.actor, factorVerifiedAt: new Date(t0 - 3_600_000) },
    };
    const work = vi.fn((ctx: Parameters<typeof authorize>[0]) => {
      authorize(ctx, 'accounts.act', { stepUp: true });
      return Promise.resolve({ message: 'Account locked.' });
    });
    const form = new FormData();
    form.set('note', 'customer called from a new number');
    const asked = await runStaffAction(verified, work, form);
    expect(asked).toMatchObject({
      ok: false,
      code: 'step_up_required',
      values: { note: 'customer called from a new number' },
    });

    form.set('stepUpCode', '000000');
    expect(await runStaffAction(verified, work, form)).toMatchObject({ ok: false, code: 'invalid' });

    form.set('stepUpCode', totp.generate({ timestamp: t0 + 30_000 }));
    expect(await runStaffAction(verified, work, form)).toEqual({
      ok: true,
      message: 'Account locked.',
      data: undefined,
    });
    expect(work).toHaveBeenCalledTimes(2); // refused once by the verb itself, then done
  });
});
