import { randomBytes } from 'node:crypto';
import { staffUsers } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { hashPassword } from '@/lib/auth/passwords';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
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

export async function createStaff(ctx: ServiceContext, input: CreateStaffInput): Promise<CreatedStaff> {
  authorize(ctx, 'staff.manage', { stepUp: true });
  const data = parseInput(CreateStaffInput, input);
  const generatedPassword = data.password ? undefined : generateStaffPassword();
  const passwordHash = await hashPassword(data.password ?? generatedPassword!);
  return withTransaction(ctx, async (tx) => {
    const [created] = await tx.db
      .insert(staffUsers)
      .values({ email: data.email, name: data.name, role: data.role, passwordHash })
      .onConflictDoNothing()
      .returning({ id: staffUsers.id });
    if (!created) {
      throw new ServiceError('conflict', `A staff member with e-mail ${data.email} already exists`, {
        fieldErrors: { email: ['A staff member with this e-mail already exists'] },
      });
    }
    await recordAudit(tx, {
      action: 'staff.create',
      targetType: 'staff',
      targetId: created.id,
      after: { email: data.email, name: data.name, role: data.role },
    });
    return { id: created.id, email: data.email, role: data.role, generatedPassword };
  });
}
