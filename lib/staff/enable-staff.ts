import { eq, sql } from 'drizzle-orm';
import { staffUsers } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { parseInput } from '@/lib/validation';
import type { StaffChangeResult } from './change-staff-role';
import { lockStaffRow } from './lock-staff-row';
import { StaffTarget } from './staff-schemas';

export async function enableStaff(ctx: ServiceContext, input: { staffId: string }): Promise<StaffChangeResult> {
  authorize(ctx, 'staff.manage', { stepUp: true });
  const { staffId } = parseInput(StaffTarget, input);
  return withTransaction(ctx, async (tx) => {
    const staff = await lockStaffRow(tx, staffId);
    if (!staff.disabled) return { changed: false, message: `${staff.email} is already enabled; nothing changed.` };
    await tx.db
      .update(staffUsers)
      .set({ disabled: false, failedLoginCount: 0, lockedUntil: null, updatedAt: sql`now()` })
      .where(eq(staffUsers.id, staff.id));
    await recordAudit(tx, {
      action: 'staff.enable',
      targetType: 'staff',
      targetId: staff.id,
      before: { disabled: true },
      after: { disabled: false },
    });
    return { changed: true, message: `${staff.email} can sign in again.` };
  });
}
