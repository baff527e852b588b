'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/app/_adapters/server-action';
import type { ActionResult } from '@/lib/actions/action-result';
import { createApiKey } from '@/lib/api-keys/create-api-key';
import { revokeApiKey } from '@/lib/api-keys/revoke-api-key';

export async function createApiKeyAction(_prev: unknown, form: FormData): Promise<ActionResult<{ secret?: string }>> {
  const name = form.get('name');
  const scopes = form.getAll('scopes').filter((s): s is string => typeof s === 'string');
  const result = await staffAction(async (ctx) => {
    const created = await createApiKey(ctx, {
      name: typeof name === 'string' ? name : '',
      scopes: scopes as never,
    });
    return {
      message: `API key “${created.name}” created with ${created.scopes.join(', ')}.`,
      data: { secret: created.key },
    };
  }, form);
  revalidatePath('/admin/api-keys');
  return result;
}

export async function revokeApiKeyAction(_prev: unknown, form: FormData): Promise<ActionResult<{ secret?: string }>> {
  const apiKeyId = form.get('apiKeyId');
  const result = await staffAction<{ secret?: string }>(
    (ctx) => revokeApiKey(ctx, { apiKeyId: typeof apiKeyId === 'string' ? apiKeyId : '' }),
    form,
  );
  revalidatePath('/admin/api-keys');
  return result;
}
