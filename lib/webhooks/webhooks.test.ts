import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { auditLog, outbox, settings, webhookDeliveries } from '@/db/schema';
import { insertAccount, makeStaff, uniqueSuffix } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { serviceContext } from '@/lib/context';
import { loadWebhookSettings, webhookSettingsKey } from '@/lib/outbox/enqueue';
import { rotateWebhookSecret } from './rotate-webhook-secret';
import { saveWebhookSettings } from './save-webhook-settings';
import { getWebhookOverview } from './webhook-overview';

const { db } = setupTestDatabase();
const auditBy = (actorId: string) =>
  db().select().from(auditLog).where(eq(auditLog.actorId, actorId)).orderBy(auditLog.id);
const stored = () => loadWebhookSettings(db());

beforeEach(async () => {
  await db().delete(settings).where(eq(settings.key, webhookSettingsKey));
});

describe('webhook settings', () => {
  it('creates the webhook with a generated secret, returned once and audited without it', async () => {
    const admin = await makeStaff(db(), 'admin');
    const saved = await saveWebhookSettings(serviceContext(db(), admin.actor), {
      url: '  https://platform.example.com/hooks/vigil ',
      enabled: true,
    });
    expect(saved).toMatchObject({ changed: true, secret: expect.stringMatching(/^whsec_[\w-]{43}$/) as unknown });
    expect(await stored()).toEqual({
      url: 'https://platform.example.com/hooks/vigil',
      secret: saved.secret,
      enabled: true,
    });
    const audit = await auditBy(admin.actor.id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      action: 'webhook.update_settings',
      targetType: 'settings',
      targetId: 'webhook',
      before: null,
      after: { url: 'https://platform.example.com/hooks/vigil', enabled: true },
    });
    expect(JSON.stringify(audit)).not.toContain(saved.secret!);
  });

  it('changes the URL or the switch without touching or returning the secret; the same values change nothing', async () => {
    const admin = await makeStaff(db(), 'admin');
    const { secret } = await saveWebhookSettings(serviceContext(db(), admin.actor), {
      url: 'https://a.example.com/hook',
      enabled: true,
    });
    expect(
      await saveWebhookSettings(serviceContext(db(), admin.actor), {
        url: 'https://a.example.com/hook',
        enabled: true,
      }),
    ).toEqual({
      changed: false,
      message: expect.any(String) as unknown,
    });
    const disabled = await saveWebhookSettings(serviceContext(db(), admin.actor), {
      url: 'http://localhost:4000/hook',
      enabled: false,
    });
    expect(disabled.changed).toBe(true);
    expect(disabled.secret).toBeUndefined();
    expect(await stored()).toEqual({ url: 'http://localhost:4000/hook', secret, enabled: false });
    const audit = await auditBy(admin.actor.id);
    expect(audit.map((a) => a.action)).toEqual(['webhook.update_settings', 'webhook.update_settings']);
    expect(audit[1]).toMatchObject({
      before: { url: 'https://a.example.com/hook', enabled: true },
      after: { url: 'http://localhost:4000/hook', enabled: false },
    });
  });

  it('names the URL when it is not a usable http(s) URL, and stores nothing', async () => {
    const admin = await makeStaff(db(), 'admin');
    for (const url of [
      '',
      'not a url',
      'ftp://files.example.com/hook',
      'javascript:alert(1)',
      'https://user:pass@example.com/hook',
      `https://example.com/${'a'.repeat(2001)}`,
    ]) {
      await expect(
        saveWebhookSettings(serviceContext(db(), admin.actor), { url, enabled: true }),
      ).rejects.toMatchObject({
        code: 'invalid',
        fieldErrors: { url: expect.any(Array) as unknown },
      });
    }
    await expect(
      saveWebhookSettings(serviceContext(db(), admin.actor), {
        url: 'https://ok.example.com',
        enabled: 'yes' as unknown as boolean,
      }),
    ).rejects.toMatchObject({ code: 'invalid', fieldErrors: { enabled: expect.any(Array) as unknown } });
    expect(await stored()).toBeNull();
    expect(await auditBy(admin.actor.id)).toHaveLength(0);
  });

  it('rotates the secret: a new one, returned once, audited without either', async () => {
    const admin = await makeStaff(db(), 'admin');
    await expect(rotateWebhookSecret(serviceContext(db(), admin.actor))).rejects.toMatchObject({
      code: 'invalid',
      fieldErrors: { url: expect.any(Array) as unknown },
    });
    const { secret: first } = await saveWebhookSettings(serviceContext(db(), admin.actor), {
      url: 'https://b.example.com/hook',
      enabled: true,
    });
    const rotated = await rotateWebhookSecret(serviceContext(db(), admin.actor));
    expect(rotated.secret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(first);
    expect(await stored()).toEqual({ url: 'https://b.example.com/hook', secret: rotated.secret, enabled: true });
    const audit = await auditBy(admin.actor.id);
    expect(audit.map((a) => a.action)).toEqual(['webhook.update_settings', 'webhook.rotate_secret']);
    expect(JSON.stringify(audit)).not.toContain(first!);
    expect(JSON.stringify(audit)).not.toContain(rotated.secret);
  });

  it('lets only admins manage the webhook or read its log', async () => {
    const admin = await makeStaff(db(), 'admin');
    await saveWebhookSettings(serviceContext(db(), admin.actor), { url: 'https://c.example.com/hook', enabled: true });
    const before = await stored();
    for (const role of ['agent', 'analyst'] as const) {
      const { actor } = await makeStaff(db(), role);
      await expect(
        saveWebhookSettings(serviceContext(db(), actor), { url: 'https://attacker.example.com', enabled: true }),
      ).rejects.toMatchObject({ code: 'forbidden' });
      await expect(rotateWebhookSecret(serviceContext(db(), actor))).rejects.toMatchObject({ code: 'forbidden' });
      await expect(getWebhookOverview(serviceContext(db(), actor))).rejects.toMatchObject({ code: 'forbidden' });
      expect(await auditBy(actor.id)).toHaveLength(0);
    }
    expect(await stored()).toEqual(before);
    await expect(getWebhookOverview(serviceContext(db(), admin.actor))).resolves.toBeDefined(); // the positive control
  });
});

describe('webhook overview', () => {
  it('shows the settings without the secret, the backlog, and the latest attempts with their account', async () => {
    const admin = await makeStaff(db(), 'admin');
    const { secret } = await saveWebhookSettings(serviceContext(db(), admin.actor), {
      url: 'https://d.example.com/hook',
      enabled: true,
    });
    const externalId = `acc_${uniqueSuffix()}`;
    const account = await insertAccount(db(), { externalId, displayName: 'Ada Lovelace', firstEventAt: new Date() });
    const [pending] = await db()
      .insert(outbox)
      .values([
        {
          kind: 'webhook',
          accountId: account.id,
          topic: 'account.security_changed',
          payload: {},
          attempts: 2,
          lastError: 'HTTP 503',
        },
        { kind: 'webhook', accountId: randomUUID(), topic: 'account.security_changed', payload: {}, status: 'failed' },
        { kind: 'notice', accountId: account.id, topic: 'account.lock', payload: {} },
      ])
      .returning({ id: outbox.id });
    const t = new Date('2025-01-01T00:00:00Z');
    await db()
      .insert(webhookDeliveries)
      .values([
        {
          outboxId: pending!.id,
          attemptedAt: t,
          url: 'https://d.example.com/hook',
          statusCode: 503,
          error: 'HTTP 503',
          durationMs: 12,
        },
        {
          outboxId: pending!.id,
          attemptedAt: new Date(t.getTime() + 2000),
          url: 'https://d.example.com/hook',
          statusCode: null,
          error: 'ECONNREFUSED: connect',
          durationMs: 3,
        },
      ]);

    const overview = await getWebhookOverview(serviceContext(db(), admin.actor));
    expect(JSON.stringify(overview)).not.toContain(secret!);
    expect(overview.settings).toMatchObject({
      url: 'https://d.example.com/hook',
      enabled: true,
      secretHint: `${secret!.slice(0, 10)}…`,
    });
    expect(overview.backlog).toMatchObject({
      webhook: { pending: 1, failed: 1 },
      notice: { pending: 1, failed: 0 },
      oldestPendingWebhook: { attempts: 2, lastError: 'HTTP 503' },
    });
    const mine = overview.deliveries.filter((d) => d.outboxId === pending!.id);
    expect(mine.map((d) => [d.statusCode, d.error, d.topic, d.outboxStatus, d.account?.externalId])).toEqual([
      [null, 'ECONNREFUSED: connect', 'account.security_changed', 'pending', externalId],
      [503, 'HTTP 503', 'account.security_changed', 'pending', externalId],
    ]);
    await db()
      .delete(outbox)
      .where(sql`true`);
  });
});
