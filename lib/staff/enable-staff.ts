import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { staffUsers } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { recordAuditLegacy } from '@/lib/audit/record-audit';
import { parseInput } from '@/lib/validation';
import type { StaffChangeResult } from './change-staff-role';
import { lockStaff } from './lock-staff-row';
import { StaffTarget } from './staff-schemas';

export async function enableStaff(db: Db, actor: Actor, input: { staffId: string }): Promise<StaffChangeResult> {
  requirePermission(actor, 'staff.manage');
  const { staffId } = parseInput(StaffTarget, input);
  return db.transaction(async (tx) => {
    const staff = await lockStaff(tx, staffId);
    if (!staff.disabled) return { changed: false, message: `${staff.email} is already enabled; nothing changed.` };
    await tx
      .update(staffUsers)
      .set({ disabled: false, failedLoginCount: 0, lockedUntil: null, updatedAt: sql`now()` })
      .where(eq(staffUsers.id, staff.id));
    await recordAuditLegacy(tx, actor, {
      action: 'staff.enable',
      targetType: 'staff',
      targetId: staff.id,
      before: { disabled: true },
      after: { disabled: false },
    });
    return { changed: true, message: `${staff.email} can sign in again.` };
  });
}
