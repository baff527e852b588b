import { randomBytes } from 'node:crypto';
import type { Db } from '@/db/client';
import { staffUsers } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { hashPassword } from '@/lib/auth/passwords';
import { requirePermission } from '@/lib/auth/permissions';
import { recordAuditLegacy } from '@/lib/audit/record-audit';
import { ServiceError } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import { CreateStaffInput } from './staff-schemas';

export function generateStaffPassword(): string {
  return randomBytes(18).toString('base64url'); // 144 bits
}

export interface CreatedStaff {
  id: string;
  email: string;
  role: string;
  /** Present only when Vigil generated it: shown once, never stored in clear. */
  generatedPassword?: string;
}

export async function createStaff(db: Db, actor: Actor, input: CreateStaffInput): Promise<CreatedStaff> {
  requirePermission(actor, 'staff.manage');
  const data = parseInput(CreateStaffInput, input);
  const generatedPassword = data.password ? undefined : generateStaffPassword();
  const passwordHash = await hashPassword(data.password ?? generatedPassword!);
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(staffUsers)
      .values({ email: data.email, name: data.name, role: data.role, passwordHash })
      .onConflictDoNothing()
      .returning({ id: staffUsers.id });
    if (!created) {
      throw new ServiceError('conflict', `A staff member with e-mail ${data.email} already exists`, {
        fieldErrors: { email: ['A staff member with this e-mail already exists'] },
      });
    }
    await recordAuditLegacy(tx, actor, {
      action: 'staff.create',
      targetType: 'staff',
      targetId: created.id,
      after: { email: data.email, name: data.name, role: data.role },
    });
    return { id: created.id, email: data.email, role: data.role, generatedPassword };
  });
}
