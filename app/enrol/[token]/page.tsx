import type { Metadata } from 'next';
import { EnrolmentForm } from '@/components/forms/enrolment-form';
import { getDb } from '@/lib/database';
import { enrolmentLinkState } from '@/lib/staff/enrolment-links';

export const metadata: Metadata = { title: 'Set up your Vigil sign-in', referrer: 'no-referrer' };
export const dynamic = 'force-dynamic';

/**
 * A new staff member's (or a reset one's) one-time link: set your own password, then your second factor at the
 * sign-in that follows. Opening the page does not use the link up; setting the password does.
 */
export default async function EnrolPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const link = await enrolmentLinkState(await getDb(), token);
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-10">
      <div className="w-full max-w-sm">
        <h1 className="mb-2 text-center text-2xl font-semibold tracking-tight">Set up your Vigil sign-in</h1>
        {link.state === 'valid' ? (
          <>
            <p className="mb-6 text-center text-sm text-slate-600 dark:text-slate-400">
              Welcome, {link.name}. Choose your password for {link.email}; next you set up your second factor.
            </p>
            <EnrolmentForm token={token} email={link.email} />
          </>
        ) : (
          <p
            role="alert"
            className="mt-4 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950"
          >
            {link.state === 'used'
              ? 'This link was already used. If that was not you, tell an admin now.'
              : link.state === 'expired'
                ? 'This link has expired (links last 24 hours). Ask an admin for a new one.'
                : 'This link is not valid. Check you copied all of it, or ask an admin for a new one.'}
          </p>
        )}
      </div>
    </main>
  );
}
