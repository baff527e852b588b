import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { EnrolAuthenticatorApp, VerifySecondFactorForm } from '@/components/forms/second-factor-forms';
import { SignOutButton } from '@/components/layout/sign-out-button';
import { currentSignIn } from '@/lib/auth/current-actor';
import { safeCallbackPath } from '@/lib/auth/safe-redirect';
import { passkeyCount } from '@/lib/auth/passkeys';
import { confirmedFactorCount } from '@/lib/auth/second-factor';
import { getDb } from '@/lib/database';

export const metadata: Metadata = { title: 'Second factor' };
export const dynamic = 'force-dynamic';

/**
 * The second step of every staff sign-in, and the only page (with sign-out) a password-only session reaches. A
 * staff member with no second factor yet enrols one here, as every installation's first sign-in does.
 */
export default async function SecondFactorPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const callbackPath = safeCallbackPath((await searchParams).callbackUrl);
  const state = await currentSignIn();
  if (!state) redirect('/login');
  if (state.factorVerified) redirect(callbackPath);
  const db = await getDb();
  const enrolled = (await confirmedFactorCount(db, state.actor.id)) > 0;
  const hasPasskey = enrolled && (await passkeyCount(db, state.actor.id)) > 0;
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-md">
        <div className="mb-6 text-center">
          <h1 className="text-2xl font-semibold tracking-tight">
            {enrolled ? 'Confirm it is you' : 'Set up your second factor'}
          </h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
            {enrolled
              ? `Signed in as ${state.actor.email}. Use your passkey or the code your authenticator app shows, or one of your recovery codes.`
              : `Signed in as ${state.actor.email}. Vigil needs a second factor for every staff member: a stolen password alone opens nothing.`}
          </p>
        </div>
        {enrolled ? (
          <VerifySecondFactorForm callbackPath={callbackPath} hasPasskey={hasPasskey} />
        ) : (
          <EnrolAuthenticatorApp callbackPath={callbackPath} />
        )}
        <div className="mt-6 text-center">
          <SignOutButton />
        </div>
      </div>
    </main>
  );
}
