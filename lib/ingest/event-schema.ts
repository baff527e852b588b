import { z } from 'zod';
import { isSensibleInstant, storableText } from '@/lib/text';
import {
  loginFailureReasons,
  loginMethods,
  otpChannels,
  otpFailureReasons,
  otpPurposes,
  twoFactorMethods,
} from '@/db/schema';

/*
 * The platform's event contract (README, "The platform's API"): the ingest API, the OpenAPI document and the demo seed all use
 * these schemas. Unknown extra fields are ignored (zod objects strip them).
 */

const maxFutureMs = 5 * 60 * 1000;

/** `2026-11-20T09:15:00.000Z`: the form toISOString writes (UTC, milliseconds). Most senders already use it. */
const isCanonicalInstant = (v: string) => v.length === 24 && v.endsWith('Z') && v[10] === 'T' && v[19] === '.';

/** The instant in UTC with millisecond precision; a value that is not a time is left for the checks to name. */
function toCanonicalInstant(v: string): string {
  if (isCanonicalInstant(v)) return v;
  const t = Date.parse(v);
  return Number.isFinite(t) ? new Date(t).toISOString() : v;
}

export const EventAccount = z.object({
  id: storableText(128).min(1),
  email: z.email().max(320).optional(),
  phone: z.e164().optional(),
});

export const EventContext = z.object({
  ip: z.union([z.ipv4(), z.ipv6()]).optional(),
  userAgent: storableText(512).optional(),
  deviceId: storableText(128).optional(),
  country: z
    .string()
    .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals, e.g. GB')
    .optional(),
});

const base = {
  id: storableText(128).min(1),
  // Normalised to UTC with millisecond precision, so the raw row and the rollup bucket agree exactly.
  // One check and an in-place rewrite, not two refinements and a transform: this runs for every event of
  // every batch, and zod's transform (a pipe) costs about twice what the whole check does.
  occurredAt: z.iso
    .datetime({ offset: true })
    .superRefine((v, ctx) => {
      if (!isSensibleInstant(v)) ctx.addIssue({ code: 'custom', message: 'must be a time from 1970 on' });
      else if (Date.parse(v) > Date.now() + maxFutureMs)
        ctx.addIssue({ code: 'custom', message: 'must not be more than 5 minutes in the future' });
    })
    .overwrite(toCanonicalInstant),
  account: EventAccount,
  context: EventContext.optional(),
};

const otp = { otpId: storableText(128).min(1), channel: z.enum(otpChannels), purpose: z.enum(otpPurposes) };

export const IngestEvent = z.discriminatedUnion('type', [
  z.object({
    ...base,
    type: z.literal('login.succeeded'),
    method: z.enum(loginMethods).optional(),
    /** The platform asks Vigil to tell the customer (a sign-in from a new device): a notice with a "not me" link. */
    notifyCustomer: z.boolean().optional(),
  }),
  z.object({ ...base, type: z.literal('login.failed'), reason: z.enum(loginFailureReasons) }),
  z.object({ ...base, type: z.literal('otp.issued'), ...otp }),
  z.object({ ...base, type: z.literal('otp.verified'), ...otp }),
  // The platform's SMS or e-mail provider confirmed the code arrived (for the delivery-time figures).
  z.object({ ...base, type: z.literal('otp.delivered'), ...otp }),
  z.object({ ...base, type: z.literal('otp.failed'), ...otp, reason: z.enum(otpFailureReasons) }),
  z.object({ ...base, type: z.literal('otp.delivery_failed'), ...otp, reason: storableText(200).optional() }),
  z
    .object({ ...base, type: z.literal('account.contact_changed'), field: z.enum(['email', 'phone']) })
    .refine((e) => (e.field === 'email' ? e.account.email : e.account.phone) !== undefined, {
      message: 'the new value is required in account.email or account.phone',
      path: ['account'],
    }),
  z.object({ ...base, type: z.literal('account.password_changed') }),
  z.object({
    ...base,
    type: z.literal('account.2fa_changed'),
    enabled: z.boolean(),
    method: z.enum(twoFactorMethods).optional(),
  }),
]);
export type IngestEvent = z.infer<typeof IngestEvent>;
export type IngestEventType = IngestEvent['type'];
