import { recordAudit } from '@/lib/audit/record-audit';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { invalid } from '@/lib/errors';
import { webhookSettingsKey } from '@/lib/outbox/enqueue';
import { lockWebhookSettings, newWebhookSecret, writeWebhookSettings } from './webhook-settings-store';

/**
 * Replaces the signing secret (after a leak, or routinely). Deliveries from the next one on are signed with
 * the new secret, which is returned this once; the audit row records that it changed, never its value.
 */
export async function rotateWebhookSecret(
  ctx: ServiceContext,
): Promise<{ changed: true; message: string; secret: string }> {
  authorize(ctx, 'webhooks.manage', { stepUp: true });
  return withTransaction(ctx, async (tx) => {
    const current = await lockWebhookSettings(tx);
    if (!current)
      throw invalid('Save the webhook URL first; its signing secret is generated then.', {
        url: ['Save the webhook URL first'],
      });
    const secret = newWebhookSecret();
    const rotatedAt = new Date().toISOString();
    await writeWebhookSettings(tx, { ...current, secret, secretCreatedAt: rotatedAt });
    await recordAudit(tx, {
      action: 'webhook.rotate_secret',
      targetType: 'settings',
      targetId: webhookSettingsKey,
      after: { rotatedAt },
    });
    return {
      changed: true,
      message: 'New signing secret generated. Deliveries are signed with it from now on: update the receiver now.',
      secret,
    };
  });
}
