import { randomBytes } from 'node:crypto';
import { staffUsers } from '@/db/schema';
import { recordAudit } from '@/lib/audit/record-audit';
import { hashPassword } from '@/lib/auth/passwords';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { ServiceError } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import { issueEnrolmentLink } from './enrolment-links';
import { CreateStaffInput } from './staff-schemas';

/** A password nobody knows: the account cannot sign in until its owner sets one through their enrolment link. */
export async function unusablePasswordHash(): Promise<string> {
  return hashPassword(randomBytes(32).toString('base64url'));
}

export interface CreatedStaff {
  id: string;
  email: string;
  role: string;
  /** The one-time enrolment link (24 h): the new member sets their own password and second factor. Shown once. */
  enrolmentUrl: string;
}

/** A new staff member, who enrols through a one-time link: an admin never sees or chooses their password. */
export async function createStaff(ctx: ServiceContext, input: CreateStaffInput): Promise<CreatedStaff> {
  authorize(ctx, 'staff.manage', { stepUp: true });
  const data = parseInput(CreateStaffInput, input);
  const passwordHash = await unusablePasswordHash();
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
    const enrolmentUrl = await issueEnrolmentLink(tx, created.id);
    return { id: created.id, email: data.email, role: data.role, enrolmentUrl };
  });
}
