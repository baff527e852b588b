import { z } from 'zod';
import { storableText } from '@/lib/text';

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** Credentials in the URL would show on the admin page and in every delivery log row. */
function hasNoCredentials(value: string): boolean {
  try {
    const url = new URL(value);
    return url.username === '' && url.password === '';
  } catch {
    return true; // reported by isHttpUrl
  }
}

export const WebhookSettingsInput = z.object({
  url: storableText(2000)
    .trim()
    .min(1, 'Enter the URL Vigil posts events to')
    .refine(isHttpUrl, 'Enter a full URL starting with https:// (or http://)')
    .refine(hasNoCredentials, 'Leave the user name and password out of the URL; receivers check the signature instead'),
  enabled: z.boolean(),
});
export type WebhookSettingsInput = z.input<typeof WebhookSettingsInput>;
