import { randomUUID } from 'node:crypto';
import { headers } from 'next/headers';
import { clientIp } from '@/app/_adapters/client-ip';
import { publicActor } from '@/lib/auth/actor';
import { serviceContext, type ServiceContext } from '@/lib/context';
import { getDb } from '@/lib/database';
import { isServiceError, type FieldErrors } from '@/lib/errors';
import { log } from '@/lib/log/logger';

/**
 * What the customer's forms get back. Server actions always answer 200, so a refusal lives here, with
 * one plain-words message per field and what was typed, so nothing is lost.
 */
export type PublicFormResult<T> =
  | { ok: true; data: T }
  | { ok: false; error: string; fieldErrors: Record<string, string>; values: Record<string, string> };

interface Wording {
  /** What to say when the hourly limit is reached, given the minutes left. */
  tooMany: (minutes: number) => string;
  /** The message for a not_found refusal (one message for every reason, so nothing can be probed). */
  notFound?: string;
  /** Turns the service's message for one field into words for a customer. */
  fieldMessage: (field: string, message: string) => string;
}

/** The form's text fields, minus React's own ($ACTION_…) and the honeypot, to refill the form on a refusal. */
export function formValues(form: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of form.entries()) {
    if (typeof value === 'string' && !name.startsWith('$') && name !== 'website') values[name] = value;
  }
  return values;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * The public counterpart of staffAction (app/_adapters/server-action.ts) (there is no signed-in actor): maps the typed errors of lib/ to a
 * form result once; anything unexpected is logged with a request id and shown generically.
 */
export async function runPublicAction<T>(
  values: Record<string, string>,
  wording: Wording,
  work: (ctx: ServiceContext) => Promise<T>,
): Promise<PublicFormResult<T>> {
  const h = await headers();
  const requestId = h.get('x-request-id') ?? randomUUID();
  const refuse = (error: string, fieldErrors: Record<string, string> = {}) => ({
    ok: false as const,
    error,
    fieldErrors,
    values,
  });
  try {
    // clientIp reads X-Forwarded-For the way the API does (Next's server sets it from the connection).
    const ctx = serviceContext(await getDb(), publicActor, { requestId, clientIp: clientIp(h) });
    return { ok: true, data: await work(ctx) };
  } catch (error) {
    if (isServiceError(error) && error.code === 'rate_limited') {
      const seconds = error.retryAfterSeconds ?? 3600;
      return refuse(wording.tooMany(Math.max(1, Math.ceil(seconds / 60))));
    }
    if (isServiceError(error) && error.code === 'invalid') {
      return refuse(
        'Some answers need another look. They are marked below.',
        customerFieldErrors(error.fieldErrors, wording),
      );
    }
    if (isServiceError(error) && error.code === 'not_found') return refuse(wording.notFound ?? error.message);
    if (isServiceError(error)) return refuse(error.message);
    log.error('public form action failed', { requestId, error });
    return refuse(
      `Something went wrong on our side and nothing was sent. Please try again in a moment. If it keeps happening, quote this reference: ${requestId}.`,
    );
  }
}

function customerFieldErrors(fieldErrors: FieldErrors | undefined, wording: Wording): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [field, messages] of Object.entries(fieldErrors ?? {})) {
    const first = messages[0];
    if (first) result[field] = wording.fieldMessage(field, first);
  }
  return result;
}

/** Zod's own "too long" message, in plain words; null for any other message. */
export function tooLongMessage(message: string): string | null {
  const max = /<=\s*(\d+)/.exec(message)?.[1];
  return message.startsWith('Too big') && max
    ? `This is too long. Please keep it under ${plural(Number(max), 'character')}.`
    : null;
}

/** The service's lower-case fragment ("must be …") as a sentence. */
export const asSentence = (message: string) => {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
};

export const minutesFromNow = (minutes: number) => plural(minutes, 'minute');
