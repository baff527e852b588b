import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { z } from 'zod';
import { reportCategories } from '@/db/schema';
import { isSensibleInstant, storableText } from '@/lib/text';

export type { ReportCategory } from '@/db/schema';

/** Empty form fields are absent, not empty strings. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v),
    schema.optional(),
  );

/** A phone as customers type it ("+44 7700 900123", "(415) 555-0100" with a country code) → E.164, or an issue. */
export function toE164(value: string): string | null {
  const parsed = parsePhoneNumberFromString(value);
  return parsed?.isPossible() ? parsed.number : null;
}

const phone = z
  .string()
  .max(40)
  .transform((v, ctx) => {
    const e164 = toE164(v);
    if (!e164) {
      ctx.addIssue({ code: 'custom', message: 'must be a phone number with its country code, e.g. +44 7700 900123' });
      return z.NEVER;
    }
    return e164;
  });

/** The fields a customer fills, per the issue's contract; details depend on the category. */
export const ReportInput = z
  .object({
    category: z.enum(reportCategories, { error: `must be one of ${reportCategories.join(', ')}` }),
    email: optional(z.email('must be an e-mail address').max(320)),
    phone: optional(phone),
    occurredAt: optional(
      z.iso
        .datetime({ offset: true, error: 'must be a date and time, e.g. 2026-11-26T09:30:00Z' })
        .refine(isSensibleInstant, 'must be a time from 1970 on')
        .refine((v) => Date.parse(v) <= Date.now() + 5 * 60_000, 'must not be in the future'),
    ),
    description: storableText(5000).trim().min(1, 'tell us what happened'),
    details: z
      .object({
        senderNumber: optional(storableText(40)),
        senderAddress: optional(storableText(320)),
        link: optional(storableText(2000)),
        callerNumber: optional(storableText(40)),
        orderId: optional(storableText(100)),
      })
      .optional(),
    contactPreference: optional(z.enum(['email', 'phone', 'none'])),
    otpId: optional(storableText(128)),
    /** The token of a "not me" link (lib/reports/report-links.ts): the report is about that link's account. */
    link: optional(z.string().max(100)),
    /** The honeypot: hidden from people, filled by bots. */
    website: z.unknown().optional(),
  })
  .refine((r) => r.email !== undefined || r.phone !== undefined || r.link !== undefined, {
    path: ['email'],
    message: 'give the e-mail or the phone number on your account',
  });
export type ReportInput = z.infer<typeof ReportInput>;

/** The domain of a link a customer pasted (for grouping a phishing wave), or null. */
export function linkDomain(link: string | undefined): string | null {
  if (!link) return null;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(link) ? link : `http://${link}`);
    return url.hostname.toLowerCase().replace(/^www\./, '') || null;
  } catch {
    return null;
  }
}
