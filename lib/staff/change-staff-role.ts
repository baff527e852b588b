import { eq, sql } from 'drizzle-orm';
import { staffUsers } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { conflict } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import { lockStaffRow } from './lock-staff-row';
import { ChangeStaffRoleInput } from './staff-schemas';

export type StaffChangeResult = { changed: boolean; message: string };

/** The new role applies on the staff member's next request: every request re-reads it. */
export async function changeStaffRole(
  ctx: ServiceContext,
  input: { staffId: string; role: string },
): Promise<StaffChangeResult> {
  authorize(ctx, 'staff.manage', { stepUp: true });
  const data = parseInput(ChangeStaffRoleInput, input);
  return withTransaction(ctx, async (tx) => {
    const staff = await lockStaffRow(tx, data.staffId);
    if (staff.role === data.role)
      return { changed: false, message: `${staff.email} is already ${data.role}; nothing changed.` };
    if (ctx.actor.id === staff.id && staff.role === 'admin') {
      throw conflict('You cannot remove your own admin role; ask another admin.');
    }
    await tx.db
      .update(staffUsers)
      .set({ role: data.role, updatedAt: sql`now()` })
      .where(eq(staffUsers.id, staff.id));
    await recordAudit(tx, {
      action: 'staff.change_role',
      targetType: 'staff',
      targetId: staff.id,
      before: { role: staff.role },
      after: { role: data.role },
    });
    return { changed: true, message: `${staff.email} is now ${data.role}.` };
  });
}
