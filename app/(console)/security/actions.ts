'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/app/_adapters/server-action';
import type { ActionResult } from '@/lib/actions/action-result';
import { regenerateRecoveryCodes } from '@/lib/auth/second-factor';
import { changeOwnPassword, endSession, removeOwnFactor } from '@/lib/staff/staff-sessions';

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

/** My security: new recovery codes (the old ones stop working), shown once. */
export async function newRecoveryCodesAction(
  _prev: unknown,
  form: FormData,
): Promise<ActionResult<{ codes: string[] }>> {
  return staffAction(
    async (ctx) => ({
      message: 'New recovery codes made; the old ones no longer work.',
      data: { codes: await regenerateRecoveryCodes(ctx) },
    }),
    form,
  );
}

/** Ends one session: one's own on My security, anyone's for an admin on the staff page. */
export async function endSessionAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const result = await staffAction(async (ctx) => endSession(ctx, { sessionId: text(form, 'sessionId') }), form);
  revalidatePath('/security');
  revalidatePath('/admin/staff');
  return result;
}

export async function changePasswordAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  return staffAction(
    (ctx) =>
      changeOwnPassword(ctx, {
        currentPassword: text(form, 'currentPassword'),
        newPassword: text(form, 'newPassword'),
      }),
    form,
  );
}

export async function removeFactorAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const result = await staffAction((ctx) => removeOwnFactor(ctx, { factorId: text(form, 'factorId') }), form);
  revalidatePath('/security');
  return result;
}
