'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/app/_adapters/server-action';
import type { ActionResult } from '@/lib/actions/action-result';
import { changeStaffRole } from '@/lib/staff/change-staff-role';
import { createStaff } from '@/lib/staff/create-staff';
import { disableStaff } from '@/lib/staff/disable-staff';
import { enableStaff } from '@/lib/staff/enable-staff';
import { resetStaffPassword } from '@/lib/staff/reset-staff-password';

const field = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : undefined;
};

export async function createStaffAction(_prev: unknown, form: FormData): Promise<ActionResult<{ secret?: string }>> {
  const result = await staffAction(async (ctx) => {
    const created = await createStaff(ctx, {
      email: field(form, 'email') ?? '',
      name: field(form, 'name') ?? '',
      role: (field(form, 'role') ?? '') as 'agent',
    });
    return {
      message: `${created.email} is added as ${created.role}. Send them this link: they set their own password and second factor.`,
      data: { secret: created.enrolmentUrl },
    };
  }, form);
  revalidatePath('/admin/staff');
  return result;
}

export async function staffRowAction(_prev: unknown, form: FormData): Promise<ActionResult<{ secret?: string }>> {
  const staffId = field(form, 'staffId') ?? '';
  const intent = field(form, 'intent');
  const result = await staffAction<{ secret?: string }>(async (ctx) => {
    switch (intent) {
      case 'role':
        return changeStaffRole(ctx, { staffId, role: field(form, 'role') ?? '' });
      case 'disable':
        return disableStaff(ctx, { staffId });
      case 'enable':
        return enableStaff(ctx, { staffId });
      case 'reset-password': {
        const r = await resetStaffPassword(ctx, { staffId });
        return {
          message: `${r.email} is signed out everywhere and needs a new password and second factor. Send them this link.`,
          data: { secret: r.enrolmentUrl },
        };
      }
      default:
        throw new Error(`unknown staff action ${String(intent)}`);
    }
  }, form);
  revalidatePath('/admin/staff');
  return result;
}
