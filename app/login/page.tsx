import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { PasskeySignInButton } from '@/components/forms/passkey-buttons';
import { SignInForm } from '@/components/forms/sign-in-form';
import { currentActor } from '@/lib/auth/current-actor';
import { safeCallbackPath } from '@/lib/auth/safe-redirect';

export const metadata: Metadata = { title: 'Sign in' };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const callbackPath = safeCallbackPath(params.callbackUrl);
  if (await currentActor()) redirect(callbackPath);
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
        <SignInForm callbackPath={callbackPath} />
        <p className="my-4 text-center text-xs text-slate-500">or</p>
        <PasskeySignInButton callbackPath={callbackPath} />
      </div>
    </main>
  );
}
