import { recordAudit } from '@/lib/audit/record-audit';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { webhookSettingsKey } from '@/lib/outbox/enqueue';
import { parseInput } from '@/lib/validation';
import { WebhookSettingsInput } from './webhook-schemas';
import { lockWebhookSettings, newWebhookSecret, writeWebhookSettings } from './webhook-settings-store';

export interface SavedWebhookSettings {
  changed: boolean;
  message: string;
  /** Only when this save created the webhook: its signing secret, returned this once. */
  secret?: string;
}

/**
 * Sets where `account.security_changed` goes and whether it is sent. The first save generates the signing
 * secret. Disabling stops new events from being queued; events already queued wait (nothing is lost) and
 * go out once the webhook is enabled again. Audited without the secret.
 */
export async function saveWebhookSettings(
  ctx: ServiceContext,
  input: WebhookSettingsInput,
): Promise<SavedWebhookSettings> {
  authorize(ctx, 'webhooks.manage', { stepUp: true });
  const { url, enabled } = parseInput(WebhookSettingsInput, input);
  return withTransaction(ctx, async (tx) => {
    const current = await lockWebhookSettings(tx);
    if (current && current.url === url && current.enabled === enabled)
      return { changed: false, message: 'These are the settings already in use; nothing changed.' };
    const secret = current?.secret ?? newWebhookSecret();
    await writeWebhookSettings(tx, {
      url,
      enabled,
      secret,
      secretCreatedAt: current?.secretCreatedAt ?? new Date().toISOString(),
    });
    await recordAudit(tx, {
      action: 'webhook.update_settings',
      targetType: 'settings',
      targetId: webhookSettingsKey,
      before: current ? { url: current.url, enabled: current.enabled } : null,
      after: { url, enabled },
    });
    const state = enabled ? 'enabled: account changes are sent to it' : 'disabled: nothing is sent until it is enabled';
    return current
      ? { changed: true, message: `Webhook saved, ${state}.` }
      : { changed: true, message: `Webhook created, ${state}. Give the receiver the signing secret below.`, secret };
  });
}
