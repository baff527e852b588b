'use client';

/** next-auth's client (about 9 KB of gzip JavaScript, on every console page) loads on the click. */
async function signOutToLogin() {
  const { signOut } = await import('next-auth/react');
  await signOut({ callbackUrl: '/login' });
}

export function SignOutButton() {
  return (
    <button
      type="button"
      onClick={() => void signOutToLogin()}
      className="text-sm text-slate-600 hover:text-slate-900 hover:underline dark:text-slate-400 dark:hover:text-slate-100"
    >
      Sign out
    </button>
  );
}
