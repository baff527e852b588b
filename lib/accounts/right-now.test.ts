import { randomUUID } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accounts, alerts, fraudReports } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { Actor, StaffActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { storeEvents } from '@/lib/ingest/store-events';
import { insertAccount, makeStaff, uniqueSuffix } from '@/lib/testing/fixtures';
import { lockAccount } from './lock-account';
import { accountRightNow } from './right-now';

const { db } = setupTestDatabase();
const as = (actor: Actor) => serviceContext(db(), actor);
let agent: StaffActor;
let analyst: StaffActor;
const now = new Date();
const hoursAgo = (h: number) => new Date(now.getTime() - h * 3_600_000);

beforeAll(async () => {
  agent = (await makeStaff(db(), 'agent')).actor;
  analyst = (await makeStaff(db(), 'analyst')).actor;
});

const makeAccount = (overrides: Partial<typeof accounts.$inferInsert> = {}) =>
  insertAccount(db(), { externalId: `cus_rn_${uniqueSuffix()}`, firstEventAt: hoursAgo(24 * 60), ...overrides });

async function changePhone(externalId: string, phone: string, when: Date) {
  const event = {
    id: `evt_rn_${uniqueSuffix()}`,
    type: 'account.contact_changed',
    field: 'phone',
    occurredAt: when.toISOString(),
    account: { id: externalId, phone },
  } as IngestEvent;
  await db().transaction((tx) => storeEvents(tx, [event]));
}

describe('the right-now strip', () => {
  it('a quiet account needs no attention', async () => {
    const account = await makeAccount();
    const strip = await accountRightNow(as(agent), account.id, now);
    expect(strip).toMatchObject({
      status: 'active',
      lockReasonCode: null,
      passwordResetRequired: false,
      openAlerts: { count: 0, items: [] },
      openReports: { count: 0, items: [] },
      lastContactChange: null,
      twoFactor: { standing: 'off', required: { required: false } },
      needsAttention: false,
    });
  });

  it('shows a staff lock with its reason', async () => {
    const account = await makeAccount();
    await lockAccount(as(agent), {
      accountId: account.id,
      version: account.version,
      idempotencyKey: randomUUID(),
      reasonCode: 'suspected_takeover',
      note: 'Customer called',
    });
    const strip = await accountRightNow(as(agent), account.id, now);
    expect(strip).toMatchObject({ status: 'locked', lockReasonCode: 'suspected_takeover', needsAttention: true });
  });

  it('counts open and acknowledged alerts, most severe first; closed ones are history', async () => {
    const account = await makeAccount();
    const alert = {
      subjectType: 'account',
      subjectId: account.externalId,
      accountId: account.id,
      firstSeen: hoursAgo(2),
      lastSeen: hoursAgo(1),
    } as const;
    await db()
      .insert(alerts)
      .values([
        { ...alert, rule: 'new_device_new_country', severity: 'medium', status: 'acknowledged' },
        { ...alert, rule: 'contact_change_then_risk', severity: 'critical' },
        { ...alert, rule: 'otp_guessing', severity: 'high', status: 'resolved' },
      ]);
    const strip = await accountRightNow(as(agent), account.id, now);
    expect(strip.openAlerts.count).toBe(2);
    expect(strip.openAlerts.items.map((a) => [a.severity, a.status])).toEqual([
      ['critical', 'open'],
      ['medium', 'acknowledged'],
    ]);
    expect(strip.needsAttention).toBe(true);
  });

  it('counts reports still being worked; resolved and rejected ones are not open', async () => {
    const account = await makeAccount();
    const report = {
      category: 'phishing',
      priority: 'normal',
      dueAt: hoursAgo(-24),
      description: 'A text with a link',
      source: 'web',
      accountId: account.id,
    } as const;
    await db()
      .insert(fraudReports)
      .values([
        { ...report, reference: `VR-${uniqueSuffix()}`, status: 'investigating' },
        { ...report, reference: `VR-${uniqueSuffix()}`, status: 'resolved' },
        { ...report, reference: `VR-${uniqueSuffix()}`, status: 'rejected' },
      ]);
    const strip = await accountRightNow(as(agent), account.id, now);
    expect(strip.openReports.count).toBe(1);
    expect(strip.openReports.items).toEqual([expect.objectContaining({ status: 'investigating' })]);
    expect(strip.needsAttention).toBe(true);
  });

  it('shows the last contact change and flags it while recent; masked for analysts', async () => {
    const account = await makeAccount({ phone: '+447700900100' });
    await changePhone(account.externalId, '+447700900555', hoursAgo(24 * 30));
    const old = await accountRightNow(as(agent), account.id, now);
    expect(old.lastContactChange).toMatchObject({ field: 'phone', value: '+447700900555', recent: false });
    expect(old.needsAttention).toBe(false);

    await changePhone(account.externalId, '+447700900999', hoursAgo(3));
    const recent = await accountRightNow(as(agent), account.id, now);
    expect(recent.lastContactChange).toEqual({
      field: 'phone',
      value: '+447700900999',
      occurredAt: hoursAgo(3),
      recent: true,
    });
    expect(recent.needsAttention).toBe(true);
    const masked = await accountRightNow(as(analyst), account.id, now);
    expect(masked.lastContactChange!.value).toBe('+44 ••• ••• 0999');
  });

  it('sets the 2FA the platform reports against what staff require', async () => {
    const cases = [
      [{ twoFactorRequired: true, twoFactorRequiredMethod: 'totp' }, 'missing', true],
      [
        {
          twoFactorRequired: true,
          twoFactorRequiredMethod: 'totp',
          reportedTwoFactorEnabled: true,
          reportedTwoFactorMethod: 'sms',
        },
        'other_method',
        true,
      ],
      [
        {
          twoFactorRequired: true,
          twoFactorRequiredMethod: 'totp',
          reportedTwoFactorEnabled: true,
          reportedTwoFactorMethod: 'totp',
        },
        'on',
        false,
      ],
      [{ reportedTwoFactorEnabled: true, reportedTwoFactorMethod: 'sms' }, 'on', false],
      [
        {
          reportedTwoFactorEnabled: true,
          reportedTwoFactorMethod: 'sms',
          twoFactorOffApprovedAt: hoursAgo(1),
          reportedTwoFactorObservedAt: hoursAgo(5),
        },
        'removal_due',
        true,
      ],
    ] as const;
    for (const [state, standing, attention] of cases) {
      const account = await makeAccount(state);
      const strip = await accountRightNow(as(agent), account.id, now);
      expect([strip.twoFactor.standing, strip.needsAttention], JSON.stringify(state)).toEqual([standing, attention]);
    }
    const [row] = await db().select().from(accounts).where(eq(accounts.twoFactorRequiredMethod, 'totp')).limit(1);
    expect((await accountRightNow(as(agent), row!.id, now)).twoFactor.required).toEqual({
      required: true,
      method: 'totp',
    });
  });

  it('flags 2FA the platform reported turned off recently, not long ago', async () => {
    const recent = await makeAccount({ reportedTwoFactorEnabled: false, reportedTwoFactorObservedAt: hoursAgo(5) });
    expect((await accountRightNow(as(agent), recent.id, now)).twoFactor).toMatchObject({
      standing: 'off',
      recentlyTurnedOff: true,
      reported: { enabled: false, since: hoursAgo(5) },
    });
    expect((await accountRightNow(as(agent), recent.id, now)).needsAttention).toBe(true);
    const old = await makeAccount({ reportedTwoFactorEnabled: false, reportedTwoFactorObservedAt: hoursAgo(24 * 30) });
    const strip = await accountRightNow(as(agent), old.id, now);
    expect([strip.twoFactor.recentlyTurnedOff, strip.needsAttention]).toEqual([false, false]);
  });

  it('answers not found for an unknown account', async () => {
    await expect(accountRightNow(as(agent), randomUUID(), now)).rejects.toMatchObject({ code: 'not_found' });
    await expect(accountRightNow(as(agent), "1' or '1'='1", now)).rejects.toMatchObject({ code: 'not_found' });
  });
});
