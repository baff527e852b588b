import { randomUUID } from 'node:crypto';
import { headers } from 'next/headers';
import { getDb } from '@/lib/database';
import type { ActionResult } from '@/lib/actions/action-result';
import { currentActor } from '@/lib/auth/current-actor';
import { serviceContext, type ServiceContext } from '@/lib/context';
import { isServiceError } from '@/lib/errors';
import { log } from '@/lib/log/logger';
import { clientIp } from './client-ip';

export const signedOut: ActionResult<never> = {
  ok: false,
  code: 'unauthorized',
  error: 'Your session has ended. Sign in again.',
};

/**
 * The one adapter of staff server actions: builds the service context of the signed-in staff member (or
 * answers signed out), runs the verb, and maps the domain's one error type to a form result. Server actions
 * always answer HTTP 200, so refusals live in the result; anything unexpected is logged with the request id
 * and shown generically.
 */
export async function staffAction<T = undefined>(
  work: (ctx: ServiceContext) => Promise<{ message: string; data?: T }>,
): Promise<ActionResult<T>> {
  const actor = await currentActor();
  if (!actor) return signedOut;
  const h = await headers();
  const requestId = h.get('x-request-id') ?? randomUUID();
  try {
    const ctx = serviceContext(await getDb(), actor, { requestId, clientIp: clientIp(h) });
    const { message, data } = await work(ctx);
    return { ok: true, message, data };
  } catch (error) {
    if (isServiceError(error)) {
      return {
        ok: false,
        code: error.code,
        error: error.message,
        fieldErrors: error.fieldErrors,
        current: error.current,
      };
    }
    log.error('server action failed', { requestId, error });
    return {
      ok: false,
      code: 'internal',
      requestId,
      error: `Something went wrong. Try again; if it persists, quote request id ${requestId}.`,
    };
  }
}
