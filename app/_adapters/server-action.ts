import { randomUUID } from 'node:crypto';
import { headers } from 'next/headers';
import type { ActionResult } from '@/lib/actions/action-result';
import { currentSignIn } from '@/lib/auth/current-actor';
import { oidcSettings } from '@/lib/auth/oidc';
import { verifySecondFactor, type SignInWho } from '@/lib/auth/second-factor';
import { serviceContext, type ServiceContext } from '@/lib/context';
import { getDb } from '@/lib/database';
import { isServiceError } from '@/lib/errors';
import { log } from '@/lib/log/logger';
import { clientIp } from './client-ip';

export const signedOut: ActionResult<never> = {
  ok: false,
  code: 'unauthorized',
  error: 'Your session has ended. Sign in again.',
};

/** The one place server actions map the domain's error type to a form result. */
function refusal<T>(error: unknown, requestId: string): ActionResult<T> {
  if (isServiceError(error)) {
    const sso = error.code === 'step_up_required' ? oidcSettings() : null;
    return {
      ok: false,
      code: error.code,
      error: error.message,
      fieldErrors: error.fieldErrors,
      current: error.current,
      ...(error.code === 'step_up_required' && sso ? { sso: sso.name } : {}),
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

async function signInWho(verifiedOnly: boolean): Promise<SignInWho | null> {
  const state = await currentSignIn();
  if (!state || (verifiedOnly && !state.factorVerified)) return null;
  const h = await headers();
  return {
    ...state,
    db: await getDb(),
    requestId: h.get('x-request-id') ?? randomUUID(),
    clientIp: clientIp(h),
    userAgent: h.get('user-agent'),
  };
}

/**
 * The one adapter of staff server actions: builds the service context of the signed-in staff member (or answers
 * signed out), runs the verb, and maps the domain's one error type to a form result. Server actions always answer
 * HTTP 200, so refusals live in the result; anything unexpected is logged with the request id and shown
 * generically. A form that carries `stepUpCode` (the inline prompt the form showed after `step_up_required`)
 * verifies that second factor first, then carries on with the same submission.
 */
export async function staffAction<T = undefined>(
  work: (ctx: ServiceContext) => Promise<{ message: string; data?: T }>,
  form?: FormData,
): Promise<ActionResult<T>> {
  const who = await signInWho(true);
  if (!who) return signedOut;
  return runStaffAction(who, work, form);
}

/** The body of staffAction for a resolved staff member (tested without Next's request scope). */
export async function runStaffAction<T>(
  who: SignInWho,
  work: (ctx: ServiceContext) => Promise<{ message: string; data?: T }>,
  form?: FormData,
): Promise<ActionResult<T>> {
  const requestId = who.requestId ?? randomUUID();
  try {
    const stepUpCode = form?.get('stepUpCode');
    if (typeof stepUpCode === 'string' && stepUpCode.trim() !== '') await verifySecondFactor(who, { code: stepUpCode });
    const ctx = serviceContext(who.db, who.actor, { requestId, clientIp: who.clientIp });
    const { message, data } = await work(ctx);
    return { ok: true, message, data };
  } catch (error) {
    const result = refusal<T>(error, requestId);
    return result.ok || !form ? result : { ...result, values: submittedValues(form) };
  }
}

/** The text fields of a form, minus React's own ($ACTION_…) and the step-up code. */
function submittedValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string' && !name.startsWith('$') && name !== 'stepUpCode') values[name] = value;
  }
  return values;
}

/**
 * The adapter of the second-factor pages: the only actions a session that has passed only the password may call.
 */
export async function signInStepAction<T = undefined>(
  work: (who: SignInWho) => Promise<{ message: string; data?: T }>,
): Promise<ActionResult<T>> {
  const who = await signInWho(false);
  if (!who) return signedOut;
  try {
    const { message, data } = await work(who);
    return { ok: true, message, data };
  } catch (error) {
    return refusal<T>(error, who.requestId!);
  }
}
