import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { staffUsers } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { recordAuditLegacy } from '@/lib/audit/record-audit';
import { ServiceError } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import { lockStaff } from './lock-staff-row';
import { ChangeStaffRoleInput } from './staff-schemas';

export type StaffChangeResult = { changed: boolean; message: string };

/** The new role applies on the staff member's next request: every request re-reads it. */
export async function changeStaffRole(
  db: Db,
  actor: Actor,
  input: { staffId: string; role: string },
): Promise<StaffChangeResult> {
  requirePermission(actor, 'staff.manage');
  const data = parseInput(ChangeStaffRoleInput, input);
  return db.transaction(async (tx) => {
    const staff = await lockStaff(tx, data.staffId);
    if (staff.role === data.role)
      return { changed: false, message: `${staff.email} is already ${data.role}; nothing changed.` };
    if (actor.id === staff.id && staff.role === 'admin') {
      throw new ServiceError('conflict', 'You cannot remove your own admin role; ask another admin.');
    }
    await tx
      .update(staffUsers)
      .set({ role: data.role, updatedAt: sql`now()` })
      .where(eq(staffUsers.id, staff.id));
    await recordAuditLegacy(tx, actor, {
      action: 'staff.change_role',
      targetType: 'staff',
      targetId: staff.id,
      before: { role: staff.role },
      after: { role: data.role },
    });
    return { changed: true, message: `${staff.email} is now ${data.role}.` };
  });
}
