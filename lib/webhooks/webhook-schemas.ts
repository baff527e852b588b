import { z } from 'zod';
import { targetProblem } from '@/lib/outbound/outbound-target';
import { storableText } from '@/lib/text';

/** Credentials in the URL would show on the admin page and in every delivery log row. */
function hasNoCredentials(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username === '' && url.password === '';
  } catch {
    return true; // reported by targetProblem
  }
}

export const WebhookSettingsInput = z.object({
  url: storableText(2000)
    .trim()
    .min(1, 'Enter the URL Vigil posts events to')
    .superRefine((value, ctx) => {
      // The outbound-target rule: https, never a private, loopback or metadata address (unless allowed).
      const problem = targetProblem(value);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    })
    .refine(hasNoCredentials, 'Leave the user name and password out of the URL; receivers check the signature instead'),
  enabled: z.boolean(),
});
export type WebhookSettingsInput = z.input<typeof WebhookSettingsInput>;
