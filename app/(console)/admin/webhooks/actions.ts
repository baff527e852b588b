'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { runAction, signedOut, type ActionResult } from '@/lib/actions/action-result';
import { currentActor } from '@/lib/auth/current-actor';
import { rotateWebhookSecret } from '@/lib/webhooks/rotate-webhook-secret';
import { saveWebhookSettings } from '@/lib/webhooks/save-webhook-settings';

export async function saveWebhookSettingsAction(
  _prev: unknown,
  form: FormData,
): Promise<ActionResult<{ secret?: string }>> {
  const actor = await currentActor();
  if (!actor) return signedOut;
  const url = form.get('url');
  const result = await runAction<{ secret?: string }>(actor.requestId, async () => {
    const saved = await saveWebhookSettings(await getDb(), actor, {
      url: typeof url === 'string' ? url : '',
      enabled: form.get('enabled') === 'on',
    });
    return { message: saved.message, data: saved.secret ? { secret: saved.secret } : undefined };
  });
  revalidatePath('/admin/webhooks');
  return result;
}

export async function rotateWebhookSecretAction(
  _prev: unknown,
  _form: FormData,
): Promise<ActionResult<{ secret?: string }>> {
  const actor = await currentActor();
  if (!actor) return signedOut;
  const result = await runAction<{ secret?: string }>(actor.requestId, async () => {
    const rotated = await rotateWebhookSecret(await getDb(), actor);
    return { message: rotated.message, data: { secret: rotated.secret } };
  });
  revalidatePath('/admin/webhooks');
  return result;
}
