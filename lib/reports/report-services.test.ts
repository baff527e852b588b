import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { accounts, auditLog, fraudReports, outbox, reportMessages } from '@/db/schema';
import { insertAccount, makeStaff, systemActor, uniqueSuffix } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { publicActor, type StaffActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import { ServiceError } from '@/lib/errors';
import { secureAccountPlaybook } from '@/lib/reports/secure-account-playbook';
import { addReportMessage } from './add-report-message';
import { assignReport } from './assign-report';
import { bulkReports } from './bulk-reports';
import { fileReport } from './file-report';
import { moveReport } from './move-report';
import { publicReportStatus } from './public-status';
import { reportCampaigns } from './report-campaigns';
import { accountTimeline } from '@/lib/accounts/account-timeline';
import { reportQueue } from './report-reads';

const { db } = setupTestDatabase();
let agent: StaffActor;
let analyst: StaffActor;

beforeAll(async () => {
  const [a, b] = await Promise.all([makeStaff(db(), 'agent'), makeStaff(db(), 'analyst')]);
  [agent, analyst] = [a.actor, b.actor];
});

const filer = () => serviceContext(db(), systemActor);
async function file(extra: Record<string, unknown> = {}) {
  const email = `r.${uniqueSuffix()}@example.com`;
  const { reference } = await fileReport(
    filer(),
    { category: 'unrequested_code', email, description: 'a code I did not ask for', ...extra },
    'api',
  );
  const [report] = await db().select().from(fraudReports).where(eq(fraudReports.reference, reference));
  return { ...report!, email };
}
/** The service context of `actor` on the test database. */
const as = (actor: StaffActor) => serviceContext(db(), actor);
const code = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof ServiceError ? e.code : String(e)),
  );

describe('report workflow', () => {
  it('new → triaged → investigating ⇄ awaiting customer → resolved with a resolution; each step audited; the customer sees the public status', async () => {
    const r = await file();
    expect(await code(moveReport(as(agent), { reportId: r.id, version: 1, to: 'investigating' }))).toBe('conflict'); // no skipped steps
    await moveReport(as(agent), { reportId: r.id, version: 1, to: 'triaged' });
    await moveReport(as(agent), { reportId: r.id, version: 2, to: 'investigating' });
    await moveReport(as(agent), { reportId: r.id, version: 3, to: 'awaiting_customer' });
    expect(
      (
        await publicReportStatus(serviceContext(db(), publicActor, { clientIp: '192.0.2.55' }), {
          reference: r.reference,
          contact: r.email,
        })
      ).status,
    ).toBe('waiting_for_you');
    await moveReport(as(agent), { reportId: r.id, version: 4, to: 'investigating' });
    const noResolution = (await moveReport(as(agent), { reportId: r.id, version: 5, to: 'resolved' }).catch(
      (e: unknown) => e,
    )) as ServiceError;
    expect(noResolution.code).toBe('invalid');
    expect(noResolution.fieldErrors).toHaveProperty('resolution');
    expect(
      await moveReport(as(agent), { reportId: r.id, version: 5, to: 'resolved', resolution: 'account_secured' }),
    ).toMatchObject({ changed: true, report: { status: 'resolved', resolution: 'account_secured' } });
    expect(await code(moveReport(as(agent), { reportId: r.id, version: 6, to: 'investigating' }))).toBe('conflict'); // final
    const trail = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetType, 'report'), eq(auditLog.targetId, r.id)))
      .orderBy(auditLog.id);
    expect(trail.map((t) => t.action)).toEqual([
      'report.triage',
      'report.investigate',
      'report.await_customer',
      'report.investigate',
      'report.resolve',
    ]);
  });

  it('a report goes to another agent or admin, never to an analyst, and can be unassigned; analysts cannot assign', async () => {
    const r = await file();
    const admin = (await makeStaff(db(), 'admin')).actor;
    expect(await assignReport(as(agent), { reportId: r.id, version: 1, assigneeId: admin.id })).toMatchObject({
      changed: true,
      report: { assigneeId: admin.id },
    });
    const toAnalyst = (await assignReport(as(agent), { reportId: r.id, version: 2, assigneeId: analyst.id }).catch(
      (e: unknown) => e,
    )) as ServiceError;
    expect(toAnalyst.code).toBe('invalid');
    expect(toAnalyst.fieldErrors).toEqual({ assigneeId: ['is not an active agent or admin'] });
    expect(await code(assignReport(as(analyst), { reportId: r.id, version: 2, assigneeId: agent.id }))).toBe(
      'forbidden',
    );
    expect(await assignReport(as(agent), { reportId: r.id, version: 2, assigneeId: null })).toMatchObject({
      changed: true,
      message: 'Unassigned.',
      report: { assigneeId: null },
    });
  });

  it('concurrent edits on the same version: one wins, the other gets a conflict with the fresh state', async () => {
    const r = await file();
    const results = await Promise.allSettled([
      moveReport(as(agent), { reportId: r.id, version: 1, to: 'triaged' }),
      assignReport(as(agent), { reportId: r.id, version: 1, assigneeId: agent.id }),
    ]);
    expect(results.map((x) => x.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(
      ((results.find((x) => x.status === 'rejected') as PromiseRejectedResult).reason as ServiceError).current,
    ).toMatchObject({ version: 2 });
  });

  it('analysts read reports but cannot triage them', async () => {
    const r = await file();
    expect(await code(moveReport(as(analyst), { reportId: r.id, version: 1, to: 'triaged' }))).toBe('forbidden');
    expect((await reportQueue(as(analyst), { status: 'open' })).reports.some((x) => x.id === r.id)).toBe(true);
  });

  it('a public reply shows on the status page and is queued as a notice; an internal note is not shown', async () => {
    const r = await file();
    await addReportMessage(as(agent), {
      reportId: r.id,
      version: 1,
      visibility: 'internal',
      body: 'looks like the bombing wave',
    });
    await addReportMessage(as(agent), {
      reportId: r.id,
      version: 2,
      visibility: 'public',
      body: 'We have secured your account.',
    });
    const status = await publicReportStatus(serviceContext(db(), publicActor, { clientIp: '192.0.2.56' }), {
      reference: r.reference,
      contact: r.email,
    });
    expect(status.replies.map((x) => x.body)).toEqual(['We have secured your account.']);
    const notices = await db().select().from(outbox).where(eq(outbox.topic, 'report.reply'));
    const notice = notices.find((n) => n.payload.to === r.email)!;
    // The default provider records it (a payload it cannot read would be given up).
    const { deliverDue } = await import('@/lib/outbox/deliver');
    await deliverDue(db(), { now: new Date(Date.now() + 1000) });
    expect((await db().select().from(outbox).where(eq(outbox.id, notice.id)))[0]!.status).toBe('delivered');
  });

  it('bulk close as duplicate and bulk assign; each report on its own', async () => {
    const [a, b] = [await file(), await file()];
    expect(
      (
        await bulkReports(as(agent), {
          operation: 'assign',
          assigneeId: agent.id,
          reports: [a, b].map((x) => ({ reportId: x.id, version: 1 })),
        })
      ).changed,
    ).toBe(2);
    const closed = await bulkReports(as(agent), {
      operation: 'close_duplicate',
      reports: [
        { reportId: a.id, version: 2 },
        { reportId: b.id, version: 1 },
      ],
    });
    expect(closed).toMatchObject({ changed: 1, skipped: 1 });
    expect((await db().select().from(fraudReports).where(eq(fraudReports.id, a.id)))[0]).toMatchObject({
      status: 'resolved',
      resolution: 'duplicate',
    });
  });
});

describe('secure-account playbook', () => {
  it('forces a reset, revokes sessions and locks in one go, each audited on the account, noted on the report', async () => {
    const now = new Date();
    const email = `victim.${uniqueSuffix()}@example.com`;
    const account = await insertAccount(db(), { externalId: `cus_${uniqueSuffix()}`, email, firstEventAt: now });
    const { reference } = await fileReport(
      filer(),
      { category: 'impersonation', email, description: 'a caller asked for my code and I gave it' },
      'api',
    );
    const [report] = await db().select().from(fraudReports).where(eq(fraudReports.reference, reference));
    expect(report!.accountId).toBe(account.id);
    const key = randomUUID();
    const result = await secureAccountPlaybook(serviceContext(db(), agent), {
      reportId: report!.id,
      version: 1,
      accountVersion: 1,
      idempotencyKey: key,
      lock: 'on',
      note: 'gave the code to a fake agent',
    });
    expect(result.actions.map((a) => a.changed)).toEqual([true, true, true]);
    expect((await db().select().from(accounts).where(eq(accounts.id, account.id)))[0]).toMatchObject({
      status: 'locked',
      passwordResetRequired: true,
      version: 4,
    });
    const accountTrail = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetType, 'account'), eq(auditLog.targetId, account.id)));
    expect(accountTrail.map((t) => t.action).sort()).toEqual([
      'account.force_password_reset',
      'account.lock',
      'account.revoke_sessions',
    ]);
    expect(accountTrail.every((t) => t.reason?.includes(reference))).toBe(true);
    const notes = await db().select().from(reportMessages).where(eq(reportMessages.reportId, report!.id));
    expect(notes[0]!.body).toContain('Secure-account playbook');
    // The same submission again changes nothing.
    expect(
      await code(
        secureAccountPlaybook(serviceContext(db(), agent), {
          reportId: report!.id,
          version: 2,
          accountVersion: 4,
          idempotencyKey: key,
          lock: 'on',
          note: 'again',
        }),
      ),
    ).toBe('conflict');
    expect((await db().select().from(accounts).where(eq(accounts.id, account.id)))[0]!.version).toBe(4);
  });
});

describe('campaigns', () => {
  it('group reports across accounts by sender number and link domain', async () => {
    const tag = uniqueSuffix();
    for (let i = 0; i < 3; i++)
      await file({
        category: 'phishing',
        details: {
          senderNumber: '+44 7700 900' + tag.slice(0, 3).replace(/\D/g, '5').padEnd(3, '5'),
          link: `https://parcel-${tag}.example/track?id=${i}`,
        },
      });
    const campaigns = await reportCampaigns(as(analyst));
    const byDomain = campaigns.find((c) => c.kind === 'domain' && c.key === `parcel-${tag}.example`);
    expect(byDomain).toMatchObject({ reports: 3 });
    expect(byDomain!.byDay.reduce((n, d) => n + d.n, 0)).toBe(3);
    expect(campaigns.some((c) => c.kind === 'sender' && c.reports >= 3)).toBe(true);
  });
});

describe('reports on the account page', () => {
  it('lists the reports linked to the account, newest first, and no one else’s', async () => {
    const email = `acct.${uniqueSuffix()}@example.com`;
    const account = await insertAccount(db(), { externalId: `cus_${uniqueSuffix()}`, email, firstEventAt: new Date() });
    const first = await fileReport(filer(), { category: 'phishing', email, description: 'a text with a link' }, 'api');
    const second = await fileReport(
      filer(),
      { category: 'unrequested_code', email, description: 'a code I did not ask for' },
      'api',
    );
    await file(); // another customer's report
    const listed = (await accountTimeline(as(analyst), account.id, { kind: ['report'] })).items;
    expect(listed.map((r) => (r.kind === 'report' ? [r.reference, r.category, r.status] : []))).toEqual([
      [second.reference, 'unrequested_code', 'new'],
      [first.reference, 'phishing', 'new'],
    ]);
    expect((await accountTimeline(as(agent), randomUUID(), { kind: ['report'] })).items).toEqual([]);
  });
});
