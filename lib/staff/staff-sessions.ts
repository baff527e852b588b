import { and, desc, eq, gt, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { staffFactors, staffSessions, staffUsers } from '@/db/schema';
import { hashPassword, verifyPassword } from '@/lib/auth/passwords';
import { sessionIdleMs } from '@/lib/auth/staff-session';
import { recordAudit } from '@/lib/audit/record-audit';
import { authorize, requireRecentFactor, withTransaction, type ServiceContext } from '@/lib/context';
import { forbidden, invalid, notFound } from '@/lib/errors';
import { parseInput } from '@/lib/validation';

export interface StaffSessionView {
  id: string;
  staffId: string;
  staffEmail: string;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
  secondFactor: boolean;
  current: boolean;
}

function staffOf(ctx: ServiceContext) {
  if (ctx.actor.kind !== 'staff') throw forbidden('Only signed-in staff have sessions here.');
  return ctx.actor;
}

/** Live sessions (not ended, not idle past the limit), newest activity first; one staff member's, or everyone's. */
async function liveSessions(ctx: ServiceContext, staffId: string | null): Promise<StaffSessionView[]> {
  const idleSince = new Date(Date.now() - sessionIdleMs);
  const rows = await ctx.db
    .select({
      id: staffSessions.id,
      staffId: staffSessions.staffId,
      staffEmail: staffUsers.email,
      createdAt: staffSessions.createdAt,
      lastSeenAt: staffSessions.lastSeenAt,
      ip: staffSessions.ip,
      userAgent: staffSessions.userAgent,
      factorVerifiedAt: staffSessions.factorVerifiedAt,
    })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.staffId))
    .where(
      and(
        isNull(staffSessions.revokedAt),
        gt(staffSessions.lastSeenAt, idleSince),
        eq(staffSessions.sessionVersion, staffUsers.sessionVersion),
        staffId ? eq(staffSessions.staffId, staffId) : undefined,
      ),
    )
    .orderBy(desc(staffSessions.lastSeenAt))
    .limit(200);
  const current = ctx.actor.kind === 'staff' ? ctx.actor.sessionId : null;
  return rows.map(({ factorVerifiedAt, ...r }) => ({
    ...r,
    secondFactor: factorVerifiedAt !== null,
    current: r.id === current,
  }));
}

/** The signed-in staff member's own live sessions (My security). */
export async function listOwnSessions(ctx: ServiceContext): Promise<StaffSessionView[]> {
  const me = staffOf(ctx);
  return liveSessions(ctx, me.id);
}

/** Every staff member's live sessions (admins, on the staff page). */
export async function listStaffSessions(ctx: ServiceContext): Promise<StaffSessionView[]> {
  authorize(ctx, 'staff.manage');
  return liveSessions(ctx, null);
}

const SessionRef = z.object({ sessionId: z.uuid('is not a session id') });

/**
 * Ends one session now: one's own (My security), or anyone's for an admin with a fresh second factor. Another
 * staff member's session is the same not-found as a missing one for everyone else.
 */
export async function endSession(ctx: ServiceContext, raw: unknown): Promise<{ changed: boolean; message: string }> {
  const me = staffOf(ctx);
  const { sessionId } = parseInput(SessionRef, raw);
  return withTransaction(ctx, async (tx) => {
    const [session] = await tx.db.select().from(staffSessions).where(eq(staffSessions.id, sessionId)).for('update');
    const own = session?.staffId === me.id;
    if (!session || (!own && ctx.actor.role !== 'admin')) throw notFound('No such session.');
    if (!own) authorize(ctx, 'staff.manage', { stepUp: true });
    if (session.revokedAt) return { changed: false, message: 'That session had already ended.' };
    await tx.db
      .update(staffSessions)
      .set({ revokedAt: sql`now()` })
      .where(eq(staffSessions.id, session.id));
    await recordAudit(tx, {
      action: 'staff.session_end',
      targetType: 'staff',
      targetId: session.staffId,
      after: { sessionId: session.id, ip: session.ip },
    });
    return { changed: true, message: session.id === me.sessionId ? 'Signed out here.' : 'Session ended.' };
  });
}

const PasswordChange = z
  .object({
    currentPassword: z.string().min(1, 'is required').max(1024),
    newPassword: z.string().min(12, 'must be at least 12 characters').max(1024),
  })
  .refine((p) => p.newPassword !== p.currentPassword, {
    path: ['newPassword'],
    message: 'must differ from the current one',
  });

/**
 * Changes one's own password: the current password and a fresh second factor, then every other session of one's
 * own ends (a thief's included); this one stays.
 */
export async function changeOwnPassword(ctx: ServiceContext, raw: unknown): Promise<{ message: string }> {
  const me = staffOf(ctx);
  requireRecentFactor(ctx);
  const input = parseInput(PasswordChange, raw);
  const [row] = await ctx.db.select({ hash: staffUsers.passwordHash }).from(staffUsers).where(eq(staffUsers.id, me.id));
  if (!row || !(await verifyPassword(row.hash, input.currentPassword))) {
    throw invalid('The current password is not right.', { currentPassword: ['is not right'] });
  }
  const hash = await hashPassword(input.newPassword);
  return withTransaction(ctx, async (tx) => {
    await tx.db
      .update(staffUsers)
      .set({ passwordHash: hash, updatedAt: sql`now()` })
      .where(eq(staffUsers.id, me.id));
    await tx.db
      .update(staffSessions)
      .set({ revokedAt: sql`now()` })
      .where(
        and(eq(staffSessions.staffId, me.id), ne(staffSessions.id, me.sessionId), isNull(staffSessions.revokedAt)),
      );
    await recordAudit(tx, { action: 'staff.password_change', targetType: 'staff', targetId: me.id });
    return { message: 'Password changed; your other sessions have ended.' };
  });
}

export interface OwnFactorView {
  id: string;
  kind: string;
  label: string;
  createdAt: Date;
  lastUsedAt: Date | null;
}

/** The signed-in staff member's confirmed second factors. */
export async function listOwnFactors(ctx: ServiceContext): Promise<OwnFactorView[]> {
  const me = staffOf(ctx);
  return ctx.db
    .select({
      id: staffFactors.id,
      kind: staffFactors.kind,
      label: staffFactors.label,
      createdAt: staffFactors.createdAt,
      lastUsedAt: staffFactors.lastUsedAt,
    })
    .from(staffFactors)
    .where(and(eq(staffFactors.staffId, me.id), sql`${staffFactors.confirmedAt} is not null`))
    .orderBy(staffFactors.createdAt);
}

const FactorRef = z.object({ factorId: z.uuid('is not a factor id') });

/** Removes one of one's own second factors (with a fresh factor) — never the last one. */
export async function removeOwnFactor(ctx: ServiceContext, raw: unknown): Promise<{ message: string }> {
  const me = staffOf(ctx);
  requireRecentFactor(ctx);
  const { factorId } = parseInput(FactorRef, raw);
  return withTransaction(ctx, async (tx) => {
    const factors = await tx.db
      .select({ id: staffFactors.id, kind: staffFactors.kind })
      .from(staffFactors)
      .where(and(eq(staffFactors.staffId, me.id), sql`${staffFactors.confirmedAt} is not null`))
      .for('update');
    const factor = factors.find((f) => f.id === factorId);
    if (!factor) throw notFound('No such factor.');
    if (factors.length === 1) {
      throw invalid('This is your last second factor: add another before removing it.', {
        factorId: ['is the last one'],
      });
    }
    await tx.db.delete(staffFactors).where(eq(staffFactors.id, factor.id));
    await recordAudit(tx, {
      action: 'staff.factor_remove',
      targetType: 'staff',
      targetId: me.id,
      before: { kind: factor.kind },
    });
    return { message: factor.kind === 'passkey' ? 'Passkey removed.' : 'Authenticator app removed.' };
  });
}
