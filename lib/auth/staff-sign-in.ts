import { and, eq, isNull, lte, or, sql } from 'drizzle-orm';
import { queryRows, type Db } from '@/db/client';
import { staffSessions, staffUsers } from '@/db/schema';
import { timestamptz } from '@/db/sql-helpers';
import { recordAudit } from '@/lib/audit/record-audit';
import { systemClock, type Clock } from '@/lib/clock';
import { serviceContext, withTransaction } from '@/lib/context';
import { env } from '@/lib/env';
import { notifyStaffLockedOut } from '@/lib/notifications/topics';
import { consumeRate } from '@/lib/rate-limit/consume-rate';
import { ipBucket as ipBucketOf } from '@/lib/rate-limit/ip-bucket';
import { publicActor } from './actor';
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
    .returning({
      id: staffUsers.id,
      passwordHash: staffUsers.passwordHash,
      sessionVersion: staffUsers.sessionVersion,
      lockedUntil: staffUsers.lockedUntil,
    });

  if (!reserved) {
    await spendPasswordCheck(input.password);
    await auditSignIn(db, input, 'failed', await whyRefused(db, email, now));
    return { ok: false };
  }

  // The client's address gets the same budget of failures as an account (an IPv6 client by its /64).
  const ipBucket = input.ip ? `signin:fail:${ipBucketOf(input.ip)}` : null;
  if (ipBucket && (await windowCount(db, ipBucket, signInLockMs / 1000)) >= env().VIGIL_SIGNIN_IP_FAILURE_LIMIT) {
    await spendPasswordCheck(input.password);
    await auditSignIn(db, input, 'failed', { staffId: reserved.id, reason: 'ip_throttled' });
    return { ok: false };
  }

  if (!(await verifyPassword(reserved.passwordHash, input.password))) {
    if (ipBucket) await countFailure(db, ipBucket, signInLockMs / 1000);
    await auditSignIn(db, input, 'failed', { staffId: reserved.id, reason: 'bad_password' });
    // This attempt used up the budget (its own statement set the lock): the lockout happened now.
    if (reserved.lockedUntil) {
      await auditSignIn(db, input, 'locked_out', { staffId: reserved.id, reason: 'too_many_failures' });
      await notifyStaffLockedOut(
        db,
        { id: reserved.id, email, ip: input.ip ?? null, until: reserved.lockedUntil },
        now,
      );
    }
    return { ok: false };
  }

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
  await auditSignIn(db, input, 'password_ok', { staffId: reserved.id });
  return { ok: true, token, staffId: reserved.id };
}

/** Why a sign-in found no account to check (for the audit log only: the client hears one answer for all). */
async function whyRefused(db: Db, email: string, now: Date): Promise<{ staffId: string | null; reason: string }> {
  const [row] = await db
    .select({ id: staffUsers.id, disabled: staffUsers.disabled, lockedUntil: staffUsers.lockedUntil })
    .from(staffUsers)
    .where(sql`lower(${staffUsers.email}) = ${email}`);
  if (!row) return { staffId: null, reason: 'unknown_email' };
  if (row.disabled) return { staffId: row.id, reason: 'disabled' };
  return { staffId: row.id, reason: row.lockedUntil && row.lockedUntil > now ? 'locked' : 'over_failure_limit' };
}

async function windowCount(db: Db, bucket: string, seconds: number): Promise<number> {
  const [row] = await queryRows<{ count: number }>(
    db,
    sql`select count from rate_windows where bucket = ${bucket}
          and window_start = to_timestamp(floor(extract(epoch from clock_timestamp()) / ${seconds}) * ${seconds})`,
  );
  return row?.count ?? 0;
}

async function countFailure(db: Db, bucket: string, seconds: number): Promise<void> {
  // The one rate limiter's counter, with no limit of its own: windowCount reads it before the next check.
  await consumeRate(db, { bucket, limit: Number.MAX_SAFE_INTEGER, windowSeconds: seconds, refusal: '' });
}

/**
 * Every password step leaves an audit row with the client's IP and user agent: success, failure with its reason
 * (unknown e-mail and wrong password look the same to the client, not here), lockout.
 */
async function auditSignIn(
  db: Db,
  input: SignInInput,
  outcome: 'password_ok' | 'failed' | 'locked_out',
  detail: { staffId: string | null; reason?: string },
): Promise<void> {
  const ctx = serviceContext(db, publicActor, { clientIp: input.ip ?? null });
  await withTransaction(ctx, (tx) =>
    recordAudit(tx, {
      action: `staff.sign_in_${outcome}`,
      targetType: 'staff',
      targetId: detail.staffId ?? 'unknown',
      reason: detail.reason ?? null,
      after: {
        email: input.email.trim().toLowerCase().slice(0, 320),
        userAgent: input.userAgent?.slice(0, 512) ?? null,
      },
    }),
  );
}
