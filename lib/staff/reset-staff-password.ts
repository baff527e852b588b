import { eq, sql } from 'drizzle-orm';
import { staffFactors, staffRecoveryCodes, staffUsers } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/validation';
import { unusablePasswordHash } from './create-staff';
import { issueEnrolmentLink } from './enrolment-links';
import { lockStaffRow } from './lock-staff-row';
import { StaffTarget } from './staff-schemas';

/**
 * "Send a new enrolment link": the old password stops working, every session ends, the second factors and
 * recovery codes are removed (a new factor is enrolled with the new password), a sign-in lock is cleared, and a
 * one-time link (returned once) lets the person set their own password again. The audit row records that it
 * happened, never the link.
 */
export async function resetStaffPassword(
  ctx: ServiceContext,
  input: { staffId: string },
): Promise<{ email: string; enrolmentUrl: string }> {
  authorize(ctx, 'staff.manage', { stepUp: true });
  const { staffId } = parseInput(StaffTarget, input);
  const passwordHash = await unusablePasswordHash();
  return withTransaction(ctx, async (tx) => {
    const staff = await lockStaffRow(tx, staffId);
    await tx.db
      .update(staffUsers)
      .set({
        passwordHash,
        failedLoginCount: 0,
        lockedUntil: null,
        sessionVersion: sql`${staffUsers.sessionVersion} + 1`,
        updatedAt: sql`now()`,
      })
      .where(eq(staffUsers.id, staff.id));
    await tx.db.delete(staffFactors).where(eq(staffFactors.staffId, staff.id));
    await tx.db.delete(staffRecoveryCodes).where(eq(staffRecoveryCodes.staffId, staff.id));
    const enrolmentUrl = await issueEnrolmentLink(tx, staff.id);
    await recordAudit(tx, {
      action: 'staff.reset_password',
      targetType: 'staff',
      targetId: staff.id,
      after: { sessionsEnded: true, factorsRemoved: true, lockCleared: staff.lockedUntil !== null },
    });
    return { email: staff.email, enrolmentUrl };
  });
}
