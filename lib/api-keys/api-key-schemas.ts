import { z } from 'zod';
import { apiKeyScopes } from '@/db/schema';
import { storableText } from '@/lib/text';

/** The scopes a key can hold, for the console's form (app/ does not import db/). */
export { apiKeyScopes };

export const ApiKeyScope = z.enum(apiKeyScopes, { error: `Scopes are ${apiKeyScopes.join(', ')}` });

export const CreateApiKeyInput = z.object({
  name: storableText(100).trim().min(1, 'Name is required'),
  scopes: z
    .array(ApiKeyScope)
    .min(1, 'Choose at least one scope')
    .transform((s) => [...new Set(s)].sort()),
});
export type CreateApiKeyInput = z.input<typeof CreateApiKeyInput>;

export const ApiKeyTarget = z.object({ apiKeyId: z.uuid('Unknown API key') });
