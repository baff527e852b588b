import type { Db } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { recordAuditLegacy } from '@/lib/audit/record-audit';
import { invalid } from '@/lib/errors';
import { webhookSettingsKey } from '@/lib/outbox/enqueue';
import { lockWebhookSettings, newWebhookSecret, writeWebhookSettings } from './webhook-settings-store';

/**
 * Replaces the signing secret (after a leak, or routinely). Deliveries from the next one on are signed with
 * the new secret, which is returned this once; the audit row records that it changed, never its value.
 */
export async function rotateWebhookSecret(
  db: Db,
  actor: Actor,
): Promise<{ changed: true; message: string; secret: string }> {
  requirePermission(actor, 'webhooks.manage');
  return db.transaction(async (tx) => {
    const current = await lockWebhookSettings(tx);
    if (!current)
      throw invalid('Save the webhook URL first; its signing secret is generated then.', {
        url: ['Save the webhook URL first'],
      });
    const secret = newWebhookSecret();
    const rotatedAt = new Date().toISOString();
    await writeWebhookSettings(tx, { ...current, secret, secretCreatedAt: rotatedAt });
    await recordAuditLegacy(tx, actor, {
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
