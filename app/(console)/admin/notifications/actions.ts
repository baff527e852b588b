'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/app/_adapters/server-action';
import type { ActionResult } from '@/lib/actions/action-result';
import { ServiceError } from '@/lib/errors';
import { addChannel, removeChannel, testChannel } from '@/lib/notifications/channels';

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

export async function addChannelAction(_prev: unknown, form: FormData): Promise<ActionResult<{ secret?: string }>> {
  const result = await staffAction<{ secret?: string }>(async (ctx) => {
    const topics = form.getAll('topics').filter((t): t is string => typeof t === 'string');
    const created = await addChannel(ctx, {
      type: text(form, 'type'),
      target: text(form, 'target'),
      minSeverity: text(form, 'minSeverity') || undefined,
      topics,
      masked: form.get('masked') === 'on',
    });
    return {
      message: `Channel added. Use “Send a test” to check it.`,
      data: created.secret ? { secret: created.secret } : undefined,
    };
  }, form);
  revalidatePath('/admin/notifications');
  return result;
}

export async function removeChannelAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const result = await staffAction(async (ctx) => {
    await removeChannel(ctx, text(form, 'channelId'));
    return { message: 'Channel removed.' };
  }, form);
  revalidatePath('/admin/notifications');
  return result;
}

export async function testChannelAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const result = await staffAction(async (ctx) => {
    const outcome = await testChannel(ctx, text(form, 'channelId'));
    if (!outcome.ok) throw new ServiceError('unavailable', `Not delivered: ${outcome.error}`);
    return {
      message: `Test message delivered${outcome.statusCode ? ` (HTTP ${outcome.statusCode})` : ''} in ${outcome.durationMs} ms.`,
    };
  }, form);
  revalidatePath('/admin/notifications');
  return result;
}
