import { eq, sql } from 'drizzle-orm';
import { staffUsers } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { conflict } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import type { StaffChangeResult } from './change-staff-role';
import { lockStaffRow } from './lock-staff-row';
import { StaffTarget } from './staff-schemas';

/** Disabling bumps the session version, so every session of that staff member ends on its next request. */
export async function disableStaff(ctx: ServiceContext, input: { staffId: string }): Promise<StaffChangeResult> {
  authorize(ctx, 'staff.manage', { stepUp: true });
  const { staffId } = parseInput(StaffTarget, input);
  return withTransaction(ctx, async (tx) => {
    const staff = await lockStaffRow(tx, staffId);
    if (staff.disabled) return { changed: false, message: `${staff.email} is already disabled; nothing changed.` };
    if (ctx.actor.id === staff.id) throw conflict('You cannot disable yourself.');
    await tx.db
      .update(staffUsers)
      .set({ disabled: true, sessionVersion: sql`${staffUsers.sessionVersion} + 1`, updatedAt: sql`now()` })
      .where(eq(staffUsers.id, staff.id));
    await recordAudit(tx, {
      action: 'staff.disable',
      targetType: 'staff',
      targetId: staff.id,
      before: { disabled: false },
      after: { disabled: true },
    });
    return { changed: true, message: `${staff.email} is disabled and signed out everywhere.` };
  });
}
