import { decode } from 'next-auth/jwt';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { getDb } from '@/lib/database';
import { env } from '@/lib/env';
import type { StaffActor } from './actor';
import { sessionCookieName } from './next-auth';
import { resolveStaffSession } from './staff-session';

/**
 * The signed-in staff member of this request, or null. Decodes the next-auth cookie and re-checks the
 * session row and the staff row in the database (once per request thanks to React's cache).
 */
export const currentActor = cache(async (): Promise<StaffActor | null> => {
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
  const actor = await resolveStaffSession(await getDb(), sid);
  if (!actor) return null;
  const h = await headers();
  return { ...actor, requestId: h.get('x-request-id') ?? undefined };
});

/** For pages: the actor, or a redirect to sign-in. */
export async function requireStaff(): Promise<StaffActor> {
  const actor = await currentActor();
  if (!actor) redirect('/login');
  return actor;
}
