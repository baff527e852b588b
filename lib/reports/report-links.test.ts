import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { accounts, fraudReports, outbox, reportEvidence, reportLinks } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import { lockAccount } from '@/lib/accounts/lock-account';
import { publicActor, type ApiActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { insertAccount, loginEvent, makeStaff, roomInWindow, uniqueSuffix } from '@/lib/testing/fixtures';
import { fileReport } from './file-report';
import { openReportLink, requestReportLink } from './report-links';

const { db } = setupTestDatabase();
const customer = (ip = `203.0.113.${1 + Math.floor(Math.random() * 250)}`) =>
  serviceContext(db(), publicActor, { clientIp: ip });
const platformActor: ApiActor = {
  kind: 'api',
  id: null,
  apiKeyId: randomUUID(),
  email: 'api:platform',
  role: 'api',
  scopes: ['reports:write'],
};
const platform = () => serviceContext(db(), platformActor);
const accountIdOf = async (externalId: string) =>
  (await db().select({ id: accounts.id }).from(accounts).where(eq(accounts.externalId, externalId)))[0]?.id;
const tokenOf = (url: string) => new URL(url).searchParams.get('link')!;
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e as { code?: string }).code ?? String(e),
  );

describe('"not me" links', () => {
  it('a staff action’s notice carries a link; opening it uses nothing; one tap files an urgent report about that account, once', async () => {
    const account = await insertAccount(db(), {
      externalId: `cus_link_${uniqueSuffix()}`,
      email: 'grace@example.com',
      firstEventAt: new Date(),
    });
    const { actor } = await makeStaff(db(), 'agent');
    await lockAccount(serviceContext(db(), actor), {
      accountId: account.id,
      version: account.version,
      idempotencyKey: randomUUID(),
      reasonCode: 'suspected_takeover',
      note: 'codes the customer did not ask for',
    });
    const [notice] = await db()
      .select()
      .from(outbox)
      .where(and(eq(outbox.kind, 'notice'), eq(outbox.accountId, account.id)));
    const payload = notice!.payload as { text: string; reportUrl: string };
    expect(payload.text).toContain(`Not you? Tell us in one tap: ${payload.reportUrl}`);
    const token = tokenOf(payload.reportUrl);
    // Opaque: the link names neither the account nor anything else; only its hash is stored.
    expect(payload.reportUrl).not.toContain(account.externalId);
    const stored = await db().select().from(reportLinks).where(eq(reportLinks.accountId, account.id));
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(token);

    // A mail scanner opens it twice: still valid.
    expect(await openReportLink(customer(), token)).toEqual({ state: 'valid', category: 'other' });
    expect(await openReportLink(customer(), token)).toEqual({ state: 'valid', category: 'other' });

    const filed = await fileReport(customer(), { category: 'other', description: 'Not me', link: token }, 'web');
    const [report] = await db().select().from(fraudReports).where(eq(fraudReports.reference, filed.reference));
    expect(report).toMatchObject({ accountId: account.id, priority: 'urgent', email: null, phone: null });
    expect(await openReportLink(customer(), token)).toEqual({ state: 'used' });
    const [used] = await db().select().from(reportLinks).where(eq(reportLinks.accountId, account.id));
    expect(used!.reportId).toBe(report!.id);

    const again = fileReport(customer(), { category: 'other', description: 'Not me', link: token }, 'web');
    await expect(again).rejects.toMatchObject({ code: 'conflict' });
    await expect(again).rejects.toThrow(/already used/);
  });

  it('the platform asks for a link about its events; the report gets those events as evidence, marked as from the link', async () => {
    const externalId = `cus_link_${uniqueSuffix()}`;
    const otpId = `otp_${uniqueSuffix()}`;
    const issued: IngestEvent = {
      id: `evt_${uniqueSuffix()}`,
      type: 'otp.issued',
      occurredAt: new Date(Date.now() - 60_000).toISOString(),
      account: { id: externalId, email: 'mei@example.com' },
      otpId,
      channel: 'sms',
      purpose: 'transaction',
    };
    const other = loginEvent(`cus_other_${uniqueSuffix()}`, new Date());
    await ingestBatch(db(), [issued, other]);

    const { url, expiresAt } = await requestReportLink(platform(), externalId, { eventIds: [issued.id] });
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(6.9 * 24 * 3_600_000);
    const token = tokenOf(url);
    // Every event named is a code: the link opens on "a code I did not ask for".
    expect(await openReportLink(customer(), token)).toEqual({ state: 'valid', category: 'unrequested_code' });
    const filed = await fileReport(customer(), { category: 'unrequested_code', description: 'x', link: token }, 'web');
    const [report] = await db().select().from(fraudReports).where(eq(fraudReports.reference, filed.reference));
    const evidence = await db().select().from(reportEvidence).where(eq(reportEvidence.reportId, report!.id));
    const fromLink = evidence.find((e) => e.refId === issued.id);
    expect(fromLink?.kind).toBe('otp');
    expect(fromLink?.summary).toMatchObject({ fromLink: true, otpId });

    // Another account's event is refused by name; an account Vigil never saw is not found.
    await expect(requestReportLink(platform(), externalId, { eventIds: [other.id] })).rejects.toMatchObject({
      code: 'invalid',
      fieldErrors: { eventIds: [expect.stringContaining(other.id)] },
    });
    await expect(requestReportLink(platform(), externalId, { eventIds: [] })).rejects.toMatchObject({
      code: 'invalid',
    });
    await expect(
      requestReportLink(platform(), `cus_never_${uniqueSuffix()}`, { eventIds: ['x'] }),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    // A customer cannot ask for one.
    expect(await code(requestReportLink(customer(), externalId, { eventIds: [issued.id] }))).toBe('forbidden');
  });

  it('an expired link says so, and filing with it is refused; a made-up one is unknown', async () => {
    const account = await insertAccount(db(), { externalId: `cus_link_${uniqueSuffix()}`, firstEventAt: new Date() });
    const ev = loginEvent(account.externalId, new Date());
    await ingestBatch(db(), [ev]);
    const { url } = await requestReportLink(platform(), account.externalId, { eventIds: [ev.id] });
    await db()
      .update(reportLinks)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(reportLinks.accountId, account.id));
    const token = tokenOf(url);
    expect(await openReportLink(customer(), token)).toEqual({ state: 'expired' });
    await expect(fileReport(customer(), { category: 'other', description: 'x', link: token }, 'web')).rejects.toThrow(
      /expired/,
    );
    expect(await openReportLink(customer(), 'A'.repeat(43))).toEqual({ state: 'unknown' });
    expect(await openReportLink(customer(), 'not-a-token')).toEqual({ state: 'unknown' });
  });

  it('opening links is rate limited per client address', async () => {
    const ip = '198.51.100.213';
    await roomInWindow(3_600_000); // an hourly window: it must not turn before the 61st opening
    for (let i = 0; i < 60; i++) await openReportLink(customer(ip), 'A'.repeat(43));
    expect(await code(openReportLink(customer(ip), 'A'.repeat(43)))).toBe('rate_limited');
  });

  it('a contact change is told to the new contact and the previous one, a flagged new-device sign-in to the customer, each with a link about that event', async () => {
    const externalId = `cus_link_${uniqueSuffix()}`;
    const at = Date.now() - 10 * 60_000;
    await ingestBatch(
      db(),
      [loginEvent(externalId, new Date(at))].map((e) => ({
        ...e,
        account: { id: externalId, email: 'old@example.com' },
      })),
    );
    const change: IngestEvent = {
      id: `evt_${uniqueSuffix()}`,
      type: 'account.contact_changed',
      occurredAt: new Date(at + 60_000).toISOString(),
      account: { id: externalId, email: 'new@example.net' },
      field: 'email',
    };
    const signIn: IngestEvent = {
      id: `evt_${uniqueSuffix()}`,
      type: 'login.succeeded',
      occurredAt: new Date(at + 120_000).toISOString(),
      account: { id: externalId },
      notifyCustomer: true,
      context: { country: 'BR', deviceId: 'dev_new' },
    };
    // Not flagged: no notice.
    const quiet = loginEvent(externalId, new Date(at + 180_000));
    await ingestBatch(db(), [change, signIn, quiet]);
    const notices = await db()
      .select()
      .from(outbox)
      .where(and(eq(outbox.kind, 'notice'), eq(outbox.accountId, (await accountIdOf(externalId))!)));
    const changes = notices.filter((n) => n.topic === 'account.contact_changed');
    const byTo = new Map(changes.map((n) => [(n.payload as { to: string }).to, n]));
    expect([...byTo.keys()].sort()).toEqual(['new@example.net', 'old@example.com']);
    const toOld = byTo.get('old@example.com')!.payload as { text: string; reportUrl: string };
    expect(toOld.text).toContain('was changed to n***@e***.net');
    expect(toOld.text).toContain(`Not you? Tell us in one tap: ${toOld.reportUrl}`);
    // The flagged sign-in (after the change, in the same batch) is told to the e-mail on file by then; the other one is not.
    const signIns = notices.filter((n) => n.topic === 'account.new_device_login');
    expect(signIns.map((n) => (n.payload as { to: string }).to)).toEqual(['new@example.net']);
    expect((signIns[0]!.payload as { text: string }).text).toContain('new device in Brazil');

    // The previous owner taps it: the report carries the change as evidence, from the link.
    const filed = await fileReport(
      customer(),
      { category: 'other', description: 'x', link: tokenOf(toOld.reportUrl) },
      'web',
    );
    const [report] = await db().select().from(fraudReports).where(eq(fraudReports.reference, filed.reference));
    const evidence = await db().select().from(reportEvidence).where(eq(reportEvidence.reportId, report!.id));
    expect(evidence.find((e) => e.refId === change.id)?.summary).toMatchObject({ fromLink: true, field: 'email' });
  });
});
