'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/app/_adapters/server-action';
import type { ActionResult } from '@/lib/actions/action-result';
import { addDestination, removeDestination } from '@/lib/streams/destinations';

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

export async function addDestinationAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const result = await staffAction(async (ctx) => {
    await addDestination(ctx, {
      stream: text(form, 'stream'),
      url: text(form, 'url'),
      authorization: text(form, 'authorization'),
    });
    return { message: 'Destination added. It starts from the beginning of the stream and catches up in batches.' };
  }, form);
  revalidatePath('/admin/streams');
  return result;
}

export async function removeDestinationAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const result = await staffAction(async (ctx) => {
    await removeDestination(ctx, text(form, 'destinationId'));
    return { message: 'Destination removed.' };
  }, form);
  revalidatePath('/admin/streams');
  return result;
}
