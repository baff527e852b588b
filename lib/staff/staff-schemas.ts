import { z } from 'zod';
import { staffRoles } from '@/db/schema';
import { storableText } from '@/lib/text';

export const StaffEmail = z.email('Enter a valid e-mail address').trim().toLowerCase().max(320);
export const StaffRoleInput = z.enum(staffRoles, { error: 'Role must be agent, analyst or admin' });

export const CreateStaffInput = z.object({
  email: StaffEmail,
  name: storableText(200).trim().min(1, 'Name is required'),
  role: StaffRoleInput,
});
export type CreateStaffInput = z.input<typeof CreateStaffInput>;

export const StaffTarget = z.object({ staffId: z.uuid('Unknown staff member') });
export const ChangeStaffRoleInput = StaffTarget.extend({ role: StaffRoleInput });
