'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/app/_adapters/server-action';
import type { ActionResult } from '@/lib/actions/action-result';
import { rotateWebhookSecret } from '@/lib/webhooks/rotate-webhook-secret';
import { saveWebhookSettings } from '@/lib/webhooks/save-webhook-settings';

export async function saveWebhookSettingsAction(
  _prev: unknown,
  form: FormData,
): Promise<ActionResult<{ secret?: string }>> {
  const url = form.get('url');
  const result = await staffAction<{ secret?: string }>(async (ctx) => {
    const saved = await saveWebhookSettings(ctx, {
      url: typeof url === 'string' ? url : '',
      enabled: form.get('enabled') === 'on',
    });
    return { message: saved.message, data: saved.secret ? { secret: saved.secret } : undefined };
  }, form);
  revalidatePath('/admin/webhooks');
  return result;
}

export async function rotateWebhookSecretAction(
  _prev: unknown,
  _form: FormData,
): Promise<ActionResult<{ secret?: string }>> {
  const result = await staffAction<{ secret?: string }>(async (ctx) => {
    const rotated = await rotateWebhookSecret(ctx);
    return { message: rotated.message, data: { secret: rotated.secret } };
  });
  revalidatePath('/admin/webhooks');
  return result;
}
