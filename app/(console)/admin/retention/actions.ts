'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/app/_adapters/server-action';
import type { ActionResult } from '@/lib/actions/action-result';
import { describeOutcome } from '@/lib/retention/describe';
import { retentionRunFromConsole } from '@/lib/retention/retention';

/** "Preview" (a dry run: what would go, nothing changed) and "Run now" on Admin → Data retention. */
export async function retentionRunAction(_prev: unknown, form: FormData): Promise<ActionResult<string[]>> {
  const dryRun = form.get('mode') !== 'run';
  const result = await staffAction(async (ctx) => {
    const outcome = await retentionRunFromConsole(ctx, dryRun);
    return {
      message: dryRun ? 'Preview: nothing was changed.' : 'Retention run finished.',
      data: describeOutcome(outcome),
    };
  }, form);
  if (!dryRun) revalidatePath('/admin/retention');
  return result;
}
