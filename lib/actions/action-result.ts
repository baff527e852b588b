import { randomUUID } from 'node:crypto';
import { isServiceError, type FieldErrors } from '@/lib/errors';
import { log } from '@/lib/log/logger';

/** What every server action returns: server actions always answer HTTP 200, so refusals live here. */
export type ActionResult<T = undefined> =
  | { ok: true; message: string; data?: T }
  | { ok: false; error: string; fieldErrors?: FieldErrors; code: string; requestId?: string; current?: unknown };

export const signedOut: ActionResult<never> = {
  ok: false,
  code: 'unauthorized',
  error: 'Your session has ended. Sign in again.',
};

/** Maps typed errors once; anything unexpected is logged with a request id and shown generically. */
export async function runAction<T>(
  requestId: string | undefined,
  work: () => Promise<{ message: string; data?: T }>,
): Promise<ActionResult<T>> {
  try {
    const { message, data } = await work();
    return { ok: true, message, data };
  } catch (error) {
    if (isServiceError(error))
      return {
        ok: false,
        code: error.code,
        error: error.message,
        fieldErrors: error.fieldErrors,
        current: error.current,
      };
    const id = requestId ?? randomUUID();
    log.error('server action failed', { requestId: id, error });
    return {
      ok: false,
      code: 'internal',
      requestId: id,
      error: `Something went wrong. Try again; if it persists, quote request id ${id}.`,
    };
  }
}
