'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { runAction, signedOut, type ActionResult } from '@/lib/actions/action-result';
import { currentActor } from '@/lib/auth/current-actor';
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
  const actor = await currentActor();
  if (!actor) return signedOut;
  const result = await runAction(actor.requestId, async () => {
    const created = await createStaff(await getDb(), actor, {
      email: field(form, 'email') ?? '',
      name: field(form, 'name') ?? '',
      role: (field(form, 'role') ?? '') as 'agent',
    });
    return {
      message: `${created.email} can now sign in as ${created.role}.`,
      data: { secret: created.generatedPassword },
    };
  });
  revalidatePath('/admin/staff');
  return result;
}

export async function staffRowAction(_prev: unknown, form: FormData): Promise<ActionResult<{ secret?: string }>> {
  const actor = await currentActor();
  if (!actor) return signedOut;
  const staffId = field(form, 'staffId') ?? '';
  const intent = field(form, 'intent');
  const result = await runAction<{ secret?: string }>(actor.requestId, async () => {
    const db = await getDb();
    switch (intent) {
      case 'role':
        return changeStaffRole(db, actor, { staffId, role: field(form, 'role') ?? '' });
      case 'disable':
        return disableStaff(db, actor, { staffId });
      case 'enable':
        return enableStaff(db, actor, { staffId });
      case 'reset-password': {
        const r = await resetStaffPassword(db, actor, { staffId });
        return { message: `New password for ${r.email}; it is shown only once.`, data: { secret: r.password } };
      }
      default:
        return Promise.reject(new Error(`unknown staff action ${String(intent)}`));
    }
  });
  revalidatePath('/admin/staff');
  return result;
}
