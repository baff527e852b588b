import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { staffSessions, staffUsers } from '@/db/schema';
import { timestamptz } from '@/db/sql-helpers';
import { systemClock, type Clock } from '@/lib/clock';
import { spendPasswordCheck, verifyPassword } from './passwords';
import { newSecretToken, sha256Hex } from './tokens';

export const maxFailedSignIns = 5;
export const signInLockMs = 15 * 60 * 1000;

export interface SignInInput {
  email: string;
  password: string;
  ip?: string | null;
  userAgent?: string | null;
}

export type SignInResult =
  | { ok: true; token: string; staffId: string }
  // One reason for every failure (wrong password, unknown user, locked, disabled): the caller shows one message.
  | { ok: false };

/**
 * Checks a staff sign-in. The attempt is counted atomically *before* the password is checked, so
 * parallel guesses can never exceed `maxFailedSignIns` checks; the fifth failure locks for 15 minutes.
 */
export async function signInStaff(db: Db, input: SignInInput, clock: Clock = systemClock): Promise<SignInResult> {
  const now = clock();
  const email = input.email.trim().toLowerCase();
  const at = timestamptz(now);
  const lockUntil = new Date(now.getTime() + signInLockMs);
  const lockExpired = lte(staffUsers.lockedUntil, now);
  const [reserved] = await db
    .update(staffUsers)
    .set({
      failedLoginCount: sql`case when ${staffUsers.lockedUntil} <= ${at} then 1 else ${staffUsers.failedLoginCount} + 1 end`,
      // The attempt that uses up the budget sets the lock in the same statement (a crash between two
      // statements must not leave the account unlockable); a correct password clears it below.
      lockedUntil: sql`case when ${staffUsers.lockedUntil} is null and ${staffUsers.failedLoginCount} + 1 >= ${maxFailedSignIns} then ${timestamptz(lockUntil)} else null end`,
    })
    .where(
      and(
        sql`lower(${staffUsers.email}) = ${email}`,
        eq(staffUsers.disabled, false),
        or(and(isNull(staffUsers.lockedUntil), sql`${staffUsers.failedLoginCount} < ${maxFailedSignIns}`), lockExpired),
      ),
    )
    .returning({ id: staffUsers.id, passwordHash: staffUsers.passwordHash, sessionVersion: staffUsers.sessionVersion });

  if (!reserved) {
    await spendPasswordCheck(input.password);
    return { ok: false };
  }

  if (!(await verifyPassword(reserved.passwordHash, input.password))) return { ok: false };

  const token = newSecretToken();
  await db.transaction(async (tx) => {
    await tx
      .update(staffUsers)
      .set({ failedLoginCount: 0, lockedUntil: null, lastSignInAt: now })
      .where(eq(staffUsers.id, reserved.id));
    await tx.insert(staffSessions).values({
      tokenHash: sha256Hex(token),
      staffId: reserved.id,
      sessionVersion: reserved.sessionVersion,
      createdAt: now,
      lastSeenAt: now,
      ip: input.ip ?? null,
      userAgent: input.userAgent?.slice(0, 512) ?? null,
    });
  });
  return { ok: true, token, staffId: reserved.id };
}
