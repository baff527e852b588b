import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { staffSessions, staffUsers } from '@/db/schema';
import { systemClock, type Clock } from '@/lib/clock';
import type { StaffActor } from './actor';
import { sha256Hex } from './tokens';

export const sessionIdleMs = 30 * 60 * 1000;
export const sessionAbsoluteMs = 12 * 60 * 60 * 1000;
const lastSeenResolutionMs = 60 * 1000;

/**
 * Turns the token inside a session cookie into the acting staff member, re-reading the staff row and the
 * session row on every request: a disabled staff member, a changed role, a sign-out or an expired session
 * takes effect at once, and a copied cookie dies with its session.
 */
export async function resolveStaffSession(
  db: Db,
  token: string | undefined | null,
  clock: Clock = systemClock,
): Promise<StaffActor | null> {
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
  return { kind: 'staff', id: row.staffId, email: row.email, name: row.name, role: row.role, sessionId: row.sessionId };
}

export async function endStaffSession(db: Db, token: string, clock: Clock = systemClock): Promise<void> {
  await db
    .update(staffSessions)
    .set({ revokedAt: clock() })
    .where(and(eq(staffSessions.tokenHash, sha256Hex(token)), isNull(staffSessions.revokedAt)));
}
