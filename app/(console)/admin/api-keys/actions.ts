'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { runAction, signedOut, type ActionResult } from '@/lib/actions/action-result';
import { currentActor } from '@/lib/auth/current-actor';
import { createApiKey } from '@/lib/api-keys/create-api-key';
import { revokeApiKey } from '@/lib/api-keys/revoke-api-key';

export async function createApiKeyAction(_prev: unknown, form: FormData): Promise<ActionResult<{ secret?: string }>> {
  const actor = await currentActor();
  if (!actor) return signedOut;
  const name = form.get('name');
  const scopes = form.getAll('scopes').filter((s): s is string => typeof s === 'string');
  const result = await runAction(actor.requestId, async () => {
    const created = await createApiKey(await getDb(), actor, {
      name: typeof name === 'string' ? name : '',
      scopes: scopes as never,
    });
    return {
      message: `API key “${created.name}” created with ${created.scopes.join(', ')}.`,
      data: { secret: created.key },
    };
  });
  revalidatePath('/admin/api-keys');
  return result;
}

export async function revokeApiKeyAction(_prev: unknown, form: FormData): Promise<ActionResult<{ secret?: string }>> {
  const actor = await currentActor();
  if (!actor) return signedOut;
  const apiKeyId = form.get('apiKeyId');
  const result = await runAction<{ secret?: string }>(actor.requestId, async () =>
    revokeApiKey(await getDb(), actor, { apiKeyId: typeof apiKeyId === 'string' ? apiKeyId : '' }),
  );
  revalidatePath('/admin/api-keys');
  return result;
}
