import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { staffUsers } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { hashPassword } from '@/lib/auth/passwords';
import { requirePermission } from '@/lib/auth/permissions';
import { recordAuditLegacy } from '@/lib/audit/record-audit';
import { parseInput } from '@/lib/validation';
import { generateStaffPassword } from './create-staff';
import { lockStaff } from './lock-staff-row';
import { StaffTarget } from './staff-schemas';

/**
 * Sets a new generated password (returned once), clears a sign-in lock and ends the staff member's
 * sessions. The audit row records that it happened, never the password or its hash.
 */
export async function resetStaffPassword(
  db: Db,
  actor: Actor,
  input: { staffId: string },
): Promise<{ email: string; password: string }> {
  requirePermission(actor, 'staff.manage');
  const { staffId } = parseInput(StaffTarget, input);
  const password = generateStaffPassword();
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    const staff = await lockStaff(tx, staffId);
    await tx
      .update(staffUsers)
      .set({
        passwordHash,
        failedLoginCount: 0,
        lockedUntil: null,
        sessionVersion: sql`${staffUsers.sessionVersion} + 1`,
        updatedAt: sql`now()`,
      })
      .where(eq(staffUsers.id, staff.id));
    await recordAuditLegacy(tx, actor, {
      action: 'staff.reset_password',
      targetType: 'staff',
      targetId: staff.id,
      after: { sessionsEnded: true, lockCleared: staff.lockedUntil !== null },
    });
    return { email: staff.email, password };
  });
}
