import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { staffUsers } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { recordAuditLegacy } from '@/lib/audit/record-audit';
import { ServiceError } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import type { StaffChangeResult } from './change-staff-role';
import { lockStaff } from './lock-staff-row';
import { StaffTarget } from './staff-schemas';

/** Disabling bumps the session version, so every session of that staff member ends on its next request. */
export async function disableStaff(db: Db, actor: Actor, input: { staffId: string }): Promise<StaffChangeResult> {
  requirePermission(actor, 'staff.manage');
  const { staffId } = parseInput(StaffTarget, input);
  return db.transaction(async (tx) => {
    const staff = await lockStaff(tx, staffId);
    if (staff.disabled) return { changed: false, message: `${staff.email} is already disabled; nothing changed.` };
    if (actor.id === staff.id) throw new ServiceError('conflict', 'You cannot disable yourself.');
    await tx
      .update(staffUsers)
      .set({ disabled: true, sessionVersion: sql`${staffUsers.sessionVersion} + 1`, updatedAt: sql`now()` })
      .where(eq(staffUsers.id, staff.id));
    await recordAuditLegacy(tx, actor, {
      action: 'staff.disable',
      targetType: 'staff',
      targetId: staff.id,
      before: { disabled: false },
      after: { disabled: true },
    });
    return { changed: true, message: `${staff.email} is disabled and signed out everywhere.` };
  });
}
