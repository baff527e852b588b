'use server';

import { redirect } from 'next/navigation';
import { signInStepAction } from '@/app/_adapters/server-action';
import type { ActionResult } from '@/lib/actions/action-result';
import {
  finishPasskeyAuthentication,
  finishPasskeyRegistration,
  passkeyAuthenticationOptions,
  passkeyRegistrationOptions,
} from '@/lib/auth/passkeys';
import { confirmTotpEnrolment, startTotpEnrolment, verifySecondFactor } from '@/lib/auth/second-factor';
import type { TotpEnrolment } from '@/lib/auth/second-factor';
import { safeCallbackPath } from '@/lib/auth/safe-redirect';

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

/** First sign-in: a new authenticator-app seed, shown as a QR code and as a setup key. */
export async function startEnrolmentAction(): Promise<ActionResult<TotpEnrolment>> {
  return signInStepAction(async (who) => ({
    message: 'Scan the code with your authenticator app.',
    data: await startTotpEnrolment(who),
  }));
}

/** Confirms the app with its first code; the first factor also makes the recovery codes, shown once. */
export async function confirmEnrolmentAction(
  _prev: unknown,
  form: FormData,
): Promise<ActionResult<{ recoveryCodes: string[] | null }>> {
  return signInStepAction(async (who) => ({
    message: 'Your authenticator app is set up.',
    data: await confirmTotpEnrolment(who, { factorId: text(form, 'factorId'), code: text(form, 'code') }),
  }));
}

/** The second step of every later sign-in: a code from the app, or a recovery code. */
export async function verifySecondFactorAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const result = await signInStepAction(async (who) => {
    await verifySecondFactor(who, { code: text(form, 'code') });
    return { message: 'Verified.' };
  });
  if (result.ok) redirect(safeCallbackPath(text(form, 'callbackUrl')));
  return result;
}

/** Passkey ceremonies (WebAuthn): registration at first sign-in or on My security, authentication to verify. */
export async function passkeyRegistrationOptionsAction(): Promise<
  ActionResult<Awaited<ReturnType<typeof passkeyRegistrationOptions>>>
> {
  return signInStepAction(async (who) => ({
    message: 'Touch your passkey.',
    data: await passkeyRegistrationOptions(who),
  }));
}

export async function finishPasskeyRegistrationAction(
  response: unknown,
): Promise<ActionResult<{ recoveryCodes: string[] | null }>> {
  return signInStepAction(async (who) => ({
    message: 'Your passkey is set up.',
    data: await finishPasskeyRegistration(who, response),
  }));
}

export async function passkeyAuthenticationOptionsAction(): Promise<
  ActionResult<Awaited<ReturnType<typeof passkeyAuthenticationOptions>>>
> {
  return signInStepAction(async (who) => ({
    message: 'Touch your passkey.',
    data: await passkeyAuthenticationOptions(who),
  }));
}

/** Verifies a passkey assertion: completes a sign-in, or refreshes the session's second factor (step-up). */
export async function finishPasskeyAuthenticationAction(response: unknown): Promise<ActionResult> {
  return signInStepAction(async (who) => {
    await finishPasskeyAuthentication(who, response);
    return { message: 'Confirmed with your passkey.' };
  });
}
