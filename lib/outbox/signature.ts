import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Webhook signatures, Stripe-style: `Vigil-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`,
 * keyed with the whole secret string (UTF-8) shown once on /admin/webhooks. The timestamp is signed too, so a
 * captured request cannot be replayed later than the receiver's tolerance.
 *
 * A receiver verifies the raw request body (the exact bytes, before any JSON parsing):
 *
 *   const result = verifyWebhookSignature(secret, rawBody, request.headers.get('vigil-signature'));
 *   if (!result.valid) return new Response(result.reason, { status: 400 });
 *
 * and dedupes on the `Vigil-Event-Id` header: delivery is at least once.
 */
export const signatureHeader = 'Vigil-Signature';
export const eventIdHeader = 'Vigil-Event-Id';

function hmacHex(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/** The `Vigil-Signature` header value for this body, signed at `now`. */
export function signWebhook(secret: string, body: string, now: Date = new Date()): string {
  const t = Math.floor(now.getTime() / 1000);
  return `t=${t},v1=${hmacHex(secret, t, body)}`;
}

export type WebhookVerification =
  { valid: true; timestamp: number } | { valid: false; reason: 'malformed' | 'expired' | 'mismatch' };

/**
 * Checks a `Vigil-Signature` header against the raw body: well formed, signed within `toleranceSeconds` of
 * `now` (either side, for clock skew), and one `v1` value matching in constant time (several `v1` are
 * accepted so a sender may sign with an old and a new secret while they are rotated).
 */
export function verifyWebhookSignature(
  secret: string,
  body: string,
  header: string | null | undefined,
  { toleranceSeconds = 300, now = new Date() }: { toleranceSeconds?: number; now?: Date } = {},
): WebhookVerification {
  if (!header) return { valid: false, reason: 'malformed' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const [key, value, ...rest] = part.trim().split('=');
    if (rest.length > 0 || value === undefined) return { valid: false, reason: 'malformed' };
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === undefined || signatures.length === 0) return { valid: false, reason: 'malformed' };
  if (Math.abs(Math.floor(now.getTime() / 1000) - timestamp) > toleranceSeconds)
    return { valid: false, reason: 'expired' };
  const expected = Buffer.from(hmacHex(secret, timestamp, body), 'hex');
  // Every candidate is compared (no early exit), each in constant time; lengths are equal by the regex above.
  let matched = false;
  for (const signature of signatures) matched = timingSafeEqual(expected, Buffer.from(signature, 'hex')) || matched;
  return matched ? { valid: true, timestamp } : { valid: false, reason: 'mismatch' };
}
