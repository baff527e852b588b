import { randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { DbOrTx } from '@/db/client';
import { staffEnrolmentLinks, staffUsers } from '@/db/schema';
import { publicActor } from '@/lib/auth/actor';
import { hashPassword, minPasswordLength } from '@/lib/auth/passwords';
import { sha256Hex } from '@/lib/auth/tokens';
import { recordAudit } from '@/lib/audit/record-audit';
import { serviceContext, withTransaction, type TxContext } from '@/lib/context';
import { linkBase } from '@/lib/env';
import { conflict } from '@/lib/errors';
import { parseInput } from '@/lib/validation';

export const enrolmentLinkHours = 24;

/**
 * A new one-time enrolment link for a staff member, inside the caller's transaction (create, reset). Earlier
 * unused links of the same person stop working. Returns the URL, shown once.
 */
export async function issueEnrolmentLink(tx: TxContext, staffId: string): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await tx.db
    .update(staffEnrolmentLinks)
    .set({ usedAt: sql`now()` })
    .where(and(eq(staffEnrolmentLinks.staffId, staffId), isNull(staffEnrolmentLinks.usedAt)));
  await tx.db.insert(staffEnrolmentLinks).values({
    staffId,
    tokenHash: sha256Hex(token),
    issuedBy: tx.actor.kind === 'staff' ? tx.actor.id : null,
    expiresAt: new Date(Date.now() + enrolmentLinkHours * 3_600_000),
  });
  return new URL(`/enrol/${token}`, linkBase()).toString();
}

export type EnrolmentLinkState =
  { state: 'valid'; email: string; name: string } | { state: 'used' | 'expired' | 'unknown' };

/** What an enrolment link is, without using it up (a mail scanner may open it first). */
export async function enrolmentLinkState(db: DbOrTx, token: string): Promise<EnrolmentLinkState> {
  if (!/^[\w-]{20,100}$/.test(token)) return { state: 'unknown' };
  const [row] = await db
    .select({
      usedAt: staffEnrolmentLinks.usedAt,
      expiresAt: staffEnrolmentLinks.expiresAt,
      email: staffUsers.email,
      name: staffUsers.name,
      disabled: staffUsers.disabled,
    })
    .from(staffEnrolmentLinks)
    .innerJoin(staffUsers, eq(staffUsers.id, staffEnrolmentLinks.staffId))
    .where(eq(staffEnrolmentLinks.tokenHash, sha256Hex(token)));
  if (!row || row.disabled) return { state: 'unknown' };
  if (row.usedAt) return { state: 'used' };
  if (row.expiresAt <= new Date()) return { state: 'expired' };
  return { state: 'valid', email: row.email, name: row.name };
}

const Enrolment = z
  .object({
    password: z.string().min(minPasswordLength, `must be at least ${minPasswordLength} characters`).max(1024),
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ['confirm'], message: 'does not match the password' });

/**
 * The person sets their own password through their link (used up here, atomically: a second use finds nothing).
 * Their second factor is enrolled at the sign-in that follows.
 */
export async function completeEnrolment(
  db: DbOrTx,
  token: string,
  raw: unknown,
  from: { clientIp?: string | null } = {},
): Promise<{ email: string }> {
  const input = parseInput(Enrolment, raw);
  const passwordHash = await hashPassword(input.password);
  return withTransaction(serviceContext(db, publicActor, { clientIp: from.clientIp ?? null }), async (tx) => {
    const [link] = await tx.db
      .update(staffEnrolmentLinks)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(staffEnrolmentLinks.tokenHash, sha256Hex(token)),
          isNull(staffEnrolmentLinks.usedAt),
          gt(staffEnrolmentLinks.expiresAt, sql`now()`),
        ),
      )
      .returning({ staffId: staffEnrolmentLinks.staffId });
    if (!link) throw conflict('This enrolment link was already used or has expired. Ask an admin for a new one.');
    const [staff] = await tx.db
      .update(staffUsers)
      .set({ passwordHash, failedLoginCount: 0, lockedUntil: null, updatedAt: sql`now()` })
      .where(and(eq(staffUsers.id, link.staffId), eq(staffUsers.disabled, false)))
      .returning({ email: staffUsers.email });
    if (!staff) throw conflict('This enrolment link was already used or has expired. Ask an admin for a new one.');
    await recordAudit(tx, { action: 'staff.enrol', targetType: 'staff', targetId: link.staffId });
    return { email: staff.email };
  });
}

/** Whether `approverId` issued an enrolment link to `staffId` in the last 24 h (they cannot approve for them). */
export async function issuedLinkRecently(db: DbOrTx, approverId: string, staffId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: staffEnrolmentLinks.id })
    .from(staffEnrolmentLinks)
    .where(
      and(
        eq(staffEnrolmentLinks.staffId, staffId),
        eq(staffEnrolmentLinks.issuedBy, approverId),
        gt(staffEnrolmentLinks.createdAt, sql`now() - interval '24 hours'`),
      ),
    )
    .limit(1);
  return Boolean(row);
}
