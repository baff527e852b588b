'use server';

import { headers } from 'next/headers';
import { clientIp } from '@/app/_adapters/client-ip';
import type { ActionResult } from '@/lib/actions/action-result';
import { getDb } from '@/lib/database';
import { isServiceError } from '@/lib/errors';
import { log } from '@/lib/log/logger';
import { completeEnrolment } from '@/lib/staff/enrolment-links';

const text = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
};

/** Sets the person's own password through their one-time link (no one is signed in yet). */
export async function completeEnrolmentAction(
  _prev: unknown,
  form: FormData,
): Promise<ActionResult<{ email: string }>> {
  const h = await headers();
  try {
    const { email } = await completeEnrolment(
      await getDb(),
      text(form, 'token'),
      { password: text(form, 'password'), confirm: text(form, 'confirm') },
      { clientIp: clientIp(h) },
    );
    return { ok: true, message: 'Password set.', data: { email } };
  } catch (error) {
    if (isServiceError(error)) {
      return { ok: false, code: error.code, error: error.message, fieldErrors: error.fieldErrors };
    }
    const requestId = h.get('x-request-id') ?? 'unknown';
    log.error('enrolment failed', { requestId, error });
    return { ok: false, code: 'internal', requestId, error: `Something went wrong. Quote request id ${requestId}.` };
  }
}
