import { eq, sql } from 'drizzle-orm';
import { staffUsers } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { hashPassword } from '@/lib/auth/passwords';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/validation';
import { generateStaffPassword } from './create-staff';
import { lockStaffRow } from './lock-staff-row';
import { StaffTarget } from './staff-schemas';

/**
 * Sets a new generated password (returned once), clears a sign-in lock and ends the staff member's
 * sessions. The audit row records that it happened, never the password or its hash.
 */
export async function resetStaffPassword(
  ctx: ServiceContext,
  input: { staffId: string },
): Promise<{ email: string; password: string }> {
  authorize(ctx, 'staff.manage', { stepUp: true });
  const { staffId } = parseInput(StaffTarget, input);
  const password = generateStaffPassword();
  const passwordHash = await hashPassword(password);
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
    await recordAudit(tx, {
      action: 'staff.reset_password',
      targetType: 'staff',
      targetId: staff.id,
      after: { sessionsEnded: true, lockCleared: staff.lockedUntil !== null },
    });
    return { email: staff.email, password };
  });
}
