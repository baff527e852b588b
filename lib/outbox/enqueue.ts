import { eq } from 'drizzle-orm';
import type { Tx } from '@/db/client';
import { outbox, settings } from '@/db/schema';
import type { SecurityState } from '@/lib/accounts/security-state';

export const webhookSettingsKey = 'webhook';

export interface WebhookSettings {
  url: string;
  secret: string;
  enabled: boolean;
}

export async function loadWebhookSettings(tx: Pick<Tx, 'select'>): Promise<WebhookSettings | null> {
  const [row] = await tx.select({ value: settings.value }).from(settings).where(eq(settings.key, webhookSettingsKey));
  const v = row?.value as Partial<WebhookSettings> | undefined;
  return v && typeof v.url === 'string' && typeof v.secret === 'string'
    ? { url: v.url, secret: v.secret, enabled: v.enabled !== false }
    : null;
}

export interface SecurityChange {
  /** Vigil's account id, and the platform's. */
  accountId: string;
  externalId: string;
  /** `account.lock`, `account.force_password_reset`… (the audit action). */
  action: string;
  state: SecurityState;
  actor: { email: string; role: string };
  reasonCode: string;
  at: Date;
}

/**
 * Queues, inside the action's own transaction, the `account.security_changed` webhook (when an admin has
 * configured one) and, when the action has a template, the customer notice. The outbox worker delivers
 * them after commit, in order per account; nothing is sent for an action that rolled back.
 */
export async function enqueueSecurityChange(
  tx: Tx,
  change: SecurityChange,
  notice: { channel: 'email' | 'sms'; to: string; text: string; reportUrl?: string } | null,
): Promise<void> {
  const webhook = await loadWebhookSettings(tx);
  const rows: (typeof outbox.$inferInsert)[] = [];
  if (webhook?.enabled) {
    rows.push({
      kind: 'webhook',
      accountId: change.accountId,
      topic: 'account.security_changed',
      payload: {
        type: 'account.security_changed',
        accountId: change.externalId,
        action: change.action,
        reasonCode: change.reasonCode,
        occurredAt: change.at.toISOString(),
        state: change.state,
      },
    });
  }
  if (notice)
    rows.push({
      kind: 'notice',
      accountId: change.accountId,
      topic: change.action,
      payload: { ...notice, accountId: change.externalId },
    });
  if (rows.length > 0) await tx.insert(outbox).values(rows);
}
