'use server';

import { headers } from 'next/headers';
import { clientIp } from '@/app/_adapters/client-ip';
import type { ActionResult } from '@/lib/actions/action-result';
import { passkeySignInOptions } from '@/lib/auth/passkeys';
import { getDb } from '@/lib/database';
import { isServiceError } from '@/lib/errors';
import { consumeRate } from '@/lib/rate-limit/consume-rate';
import { ipBucket } from '@/lib/rate-limit/ip-bucket';

/** The options of a passkey sign-in (no one is signed in yet): a fresh challenge, limited per client address. */
export async function passkeySignInOptionsAction(): Promise<
  ActionResult<Awaited<ReturnType<typeof passkeySignInOptions>>>
> {
  const db = await getDb();
  try {
    await consumeRate(db, {
      bucket: `passkey-options:${ipBucket(clientIp(await headers()))}`,
      limit: 30,
      windowSeconds: 60,
      refusal: 'Too many passkey sign-ins from here. Wait a minute and try again.',
    });
    return { ok: true, message: 'Touch your passkey.', data: await passkeySignInOptions(db) };
  } catch (error) {
    if (isServiceError(error)) return { ok: false, code: error.code, error: error.message };
    throw error;
  }
}
