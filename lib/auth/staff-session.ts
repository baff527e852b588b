import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { staffSessions, staffUsers } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { systemClock, type Clock } from '@/lib/clock';
import { serviceContext, withTransaction } from '@/lib/context';
import { publicActor, type StaffActor } from './actor';
import { sha256Hex } from './tokens';

export const sessionIdleMs = 30 * 60 * 1000;
export const sessionAbsoluteMs = 12 * 60 * 60 * 1000;
const lastSeenResolutionMs = 60 * 1000;

/** A live sign-in: the staff member, and whether a second factor has been verified on this session yet. */
export interface SignInState {
  actor: StaffActor;
  factorVerified: boolean;
}

/**
 * The acting staff member behind a session cookie's token — only once a second factor has been verified on the
 * session. A session that has passed only the password is never a staff session (lib/auth/current-actor.ts sends
 * it to the second-factor pages).
 */
export async function resolveStaffSession(
  db: Db,
  token: string | undefined | null,
  clock: Clock = systemClock,
): Promise<StaffActor | null> {
  const state = await resolveSignIn(db, token, clock);
  return state?.factorVerified ? state.actor : null;
}

/**
 * Turns the token inside a session cookie into a sign-in, re-reading the staff row and the session row on every
 * request: a disabled staff member, a changed role, a sign-out or an expired session takes effect at once, and a
 * copied cookie dies with its session.
 */
export async function resolveSignIn(
  db: Db,
  token: string | undefined | null,
  clock: Clock = systemClock,
): Promise<SignInState | null> {
  if (!token) return null;
  const now = clock();
  const [row] = await db
    .select({
      sessionId: staffSessions.id,
      sessionVersion: staffSessions.sessionVersion,
      createdAt: staffSessions.createdAt,
      lastSeenAt: staffSessions.lastSeenAt,
      revokedAt: staffSessions.revokedAt,
      staffId: staffUsers.id,
      email: staffUsers.email,
      name: staffUsers.name,
      role: staffUsers.role,
      disabled: staffUsers.disabled,
      staffSessionVersion: staffUsers.sessionVersion,
      factorVerifiedAt: staffSessions.factorVerifiedAt,
    })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.staffId))
    .where(eq(staffSessions.tokenHash, sha256Hex(token)))
    .limit(1);
  if (!row) return null;
  const t = now.getTime();
  if (
    row.revokedAt ||
    row.disabled ||
    row.sessionVersion !== row.staffSessionVersion ||
    t - row.lastSeenAt.getTime() > sessionIdleMs ||
    t - row.createdAt.getTime() > sessionAbsoluteMs
  ) {
    return null;
  }
  if (t - row.lastSeenAt.getTime() >= lastSeenResolutionMs) {
    await db.update(staffSessions).set({ lastSeenAt: now }).where(eq(staffSessions.id, row.sessionId));
  }
  return {
    actor: {
      kind: 'staff',
      id: row.staffId,
      email: row.email,
      name: row.name,
      role: row.role,
      sessionId: row.sessionId,
      factorVerifiedAt: row.factorVerifiedAt,
    },
    factorVerified: row.factorVerifiedAt !== null,
  };
}

/** Sign-out: the session ends now, and the audit log says who signed out from where. */
export async function endStaffSession(
  db: Db,
  token: string,
  from: { clientIp?: string | null } = {},
  clock: Clock = systemClock,
): Promise<void> {
  const [ended] = await db
    .update(staffSessions)
    .set({ revokedAt: clock() })
    .where(and(eq(staffSessions.tokenHash, sha256Hex(token)), isNull(staffSessions.revokedAt)))
    .returning({ staffId: staffSessions.staffId, sessionId: staffSessions.id });
  if (!ended) return;
  await withTransaction(serviceContext(db, publicActor, { clientIp: from.clientIp ?? null }), (tx) =>
    recordAudit(tx, {
      action: 'staff.sign_out',
      targetType: 'staff',
      targetId: ended.staffId,
      after: { sessionId: ended.sessionId },
    }),
  );
}
