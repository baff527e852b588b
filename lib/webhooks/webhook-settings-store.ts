import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { settings } from '@/db/schema';
import type { TxContext } from '@/lib/context';
import { loadWebhookSettings, webhookSettingsKey, type WebhookSettings } from '@/lib/outbox/enqueue';

/** What the settings row holds: the outbox reads url, secret and enabled; the admin page also shows the date. */
export interface StoredWebhookSettings extends WebhookSettings {
  secretCreatedAt: string;
}

/**
 * A signing secret: 256 random bits. It is stored as is (an HMAC needs the key itself, unlike an API key,
 * which is stored hashed) and shown once, when generated.
 */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The current settings, with the row locked until the transaction ends so two admins cannot interleave. */
export async function lockWebhookSettings(
  tx: TxContext,
): Promise<(WebhookSettings & { secretCreatedAt?: string }) | null> {
  const [row] = await tx.db
    .select({ value: settings.value })
    .from(settings)
    .where(eq(settings.key, webhookSettingsKey))
    .for('update');
  const current = await loadWebhookSettings(tx.db);
  if (!current) return null;
  const createdAt = (row?.value as { secretCreatedAt?: unknown } | undefined)?.secretCreatedAt;
  return { ...current, ...(typeof createdAt === 'string' ? { secretCreatedAt: createdAt } : {}) };
}

export async function writeWebhookSettings(tx: TxContext, value: StoredWebhookSettings): Promise<void> {
  await tx.db
    .insert(settings)
    .values({ key: webhookSettingsKey, value })
    .onConflictDoUpdate({ target: settings.key, set: { value: sql`excluded.value`, updatedAt: sql`now()` } });
}
