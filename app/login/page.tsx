import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { PasskeySignInButton } from '@/components/forms/passkey-buttons';
import { SignInForm } from '@/components/forms/sign-in-form';
import { SsoButton } from '@/components/forms/sso-button';
import { currentActor } from '@/lib/auth/current-actor';
import { oidcSettings } from '@/lib/auth/oidc';
import { safeCallbackPath } from '@/lib/auth/safe-redirect';

export const metadata: Metadata = { title: 'Sign in' };

/** What next-auth's `?error=` means to the person who came back from the IdP (or from a refused sign-in). */
function signInError(code: string | string[] | undefined): string | null {
  if (typeof code !== 'string' || code === '') return null;
  if (code === 'AccessDenied') {
    return 'Single sign-on confirmed who you are, but Vigil does not let you in: there is no active staff account with that e-mail, or your groups grant no Vigil role. Ask a Vigil admin.';
  }
  if (code === 'CredentialsSignin') return null; // the password form says it itself
  return 'Single sign-on did not complete. Try again; if it keeps failing, tell your Vigil admin.';
}

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackPath = safeCallbackPath(params.callbackUrl);
  if (await currentActor()) redirect(callbackPath);
  const sso = oidcSettings();
  const error = signInError(params.error);
  return (
    <main className="flex min-h-screen items-center justify-center px-4">
      <div className="w-full max-w-sm">
        <div className="mb-8 text-center">
          <div
            className="mx-auto flex h-10 w-10 items-center justify-center rounded-lg bg-indigo-600 text-lg font-bold text-white"
            aria-hidden
          >
            V
          </div>
          <h1 className="mt-4 text-2xl font-semibold tracking-tight">Sign in to Vigil</h1>
          <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">Account-security console for staff</p>
        </div>
        {error ? (
          <p
            role="alert"
            className="mb-4 rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
          >
            {error}
          </p>
        ) : null}
        <SignInForm callbackPath={callbackPath} />
        <p className="my-4 text-center text-xs text-slate-500">or</p>
        <div className="space-y-3">
          <PasskeySignInButton callbackPath={callbackPath} />
          {sso ? <SsoButton name={sso.name} callbackPath={callbackPath} /> : null}
        </div>
      </div>
    </main>
  );
}
