import { decode } from 'next-auth/jwt';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/lib/database';
import { env } from '@/lib/env';
import type { StaffActor } from './actor';
import { sessionCookieName } from './next-auth';
import { resolveSignIn, type SignInState } from './staff-session';

/**
 * The sign-in behind this request's session cookie, second factor passed or not (once per request thanks to
 * React's cache). Decodes the next-auth cookie and re-checks the session row and the staff row in the database.
 */
export const currentSignIn = cache(async (): Promise<SignInState | null> => {
  const cookieStore = await cookies();
  const raw = cookieStore.get(sessionCookieName())?.value;
  if (!raw) return null;
  let sid: string | undefined;
  try {
    const jwt = await decode({ token: raw, secret: env().NEXTAUTH_SECRET ?? '' });
    sid = jwt?.sid;
  } catch {
    return null; // tampered or foreign cookie
  }
  const state = await resolveSignIn(await getDb(), sid);
  if (!state) return null;
  const h = await headers();
  return { ...state, actor: { ...state.actor, requestId: h.get('x-request-id') ?? undefined } };
});

/**
 * The signed-in staff member of this request, or null. A session that has passed only the password is not one:
 * it reaches the second-factor pages and sign-out, nothing else.
 */
export const currentActor = cache(async (): Promise<StaffActor | null> => {
  const state = await currentSignIn();
  return state?.factorVerified ? state.actor : null;
});

/** For pages: the actor; a password-only session goes to its second factor, anyone else to sign-in. */
export async function requireStaff(): Promise<StaffActor> {
  const state = await currentSignIn();
  if (state?.factorVerified) return state.actor;
  redirect(state ? '/login/second-factor' : '/login');
}
