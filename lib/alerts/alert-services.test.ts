import { and, eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { alerts, auditLog } from '@/db/schema';
import { makeStaff, uniqueSuffix } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { StaffActor } from '@/lib/auth/actor';
import { serviceContext } from '@/lib/context';
import { ServiceError } from '@/lib/errors';
import { acknowledgeAlert } from './acknowledge-alert';
import { accountTimeline } from '@/lib/accounts/account-timeline';
import { alertDetail, alertQueue } from './alert-reads';
import { assignAlert } from './assign-alert';
import { bulkChangeAlerts } from './bulk-change-alerts';
import { dismissAlert } from './dismiss-alert';
import { resolveAlert } from './resolve-alert';

const { db } = setupTestDatabase();
let agent: StaffActor;
let otherAgent: StaffActor;
let analyst: StaffActor;
let admin: StaffActor;

beforeAll(async () => {
  const [a, b, c, d] = await Promise.all([
    makeStaff(db(), 'agent'),
    makeStaff(db(), 'agent'),
    makeStaff(db(), 'analyst'),
    makeStaff(db(), 'admin'),
  ]);
  [agent, otherAgent, analyst, admin] = [a.actor, b.actor, c.actor, d.actor];
});

async function makeAlert(overrides: Partial<typeof alerts.$inferInsert> = {}) {
  const now = new Date();
  const [row] = await db()
    .insert(alerts)
    .values({
      rule: 'otp_guessing',
      severity: 'high',
      subjectType: 'account',
      subjectId: `cus_${uniqueSuffix()}`,
      firstSeen: now,
      lastSeen: now,
      evidenceCount: 0,
      ...overrides,
    })
    .returning();
  return row!;
}
/** The service context of `actor` on the test database. */
const as = (actor: StaffActor) => serviceContext(db(), actor);
const code = async (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: unknown) => (e instanceof ServiceError ? e.code : String(e)),
  );
const audits = (alertId: string) =>
  db()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.targetType, 'alert'), eq(auditLog.targetId, alertId)));

describe('the alert workflow', () => {
  it('open → acknowledged → resolved, each step audited with its reason', async () => {
    const a = await makeAlert();
    expect(await acknowledgeAlert(as(agent), { alertId: a.id, version: 1 })).toMatchObject({
      changed: true,
      alert: { status: 'acknowledged', version: 2 },
    });
    expect(
      await resolveAlert(as(agent), {
        alertId: a.id,
        version: 2,
        reason: 'Customer confirmed; password reset forced',
      }),
    ).toMatchObject({ changed: true, alert: { status: 'resolved', version: 3 } });
    const trail = await audits(a.id);
    expect(trail.map((t) => t.action).sort()).toEqual(['alert.acknowledge', 'alert.resolve']);
    expect(trail.find((t) => t.action === 'alert.resolve')).toMatchObject({
      reason: 'Customer confirmed; password reset forced',
      before: { status: 'acknowledged' },
      after: { status: 'resolved' },
    });
  });

  it('no resolving or dismissing without a reason (invalid, naming the field; nothing changes)', async () => {
    const a = await makeAlert();
    const error = await resolveAlert(as(agent), { alertId: a.id, version: 1, reason: '   ' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).fieldErrors).toHaveProperty('reason');
    expect(await code(dismissAlert(as(agent), { alertId: a.id, version: 1 }))).toBe('invalid');
    expect((await db().select().from(alerts).where(eq(alerts.id, a.id)))[0]).toMatchObject({
      status: 'open',
      version: 1,
    });
  });

  it('resolved and dismissed are final: any move from them is a conflict carrying the current state', async () => {
    const a = await makeAlert({ status: 'dismissed', resolutionReason: 'false positive' });
    const error = (await acknowledgeAlert(as(agent), { alertId: a.id, version: 1 }).catch(
      (e: unknown) => e,
    )) as ServiceError;
    expect(error.code).toBe('conflict');
    expect(error.current).toMatchObject({ id: a.id, status: 'dismissed' });
    expect(await code(resolveAlert(as(agent), { alertId: a.id, version: 1, reason: 'x' }))).toBe('conflict');
    expect(await code(assignAlert(as(agent), { alertId: a.id, version: 1, assigneeId: agent.id }))).toBe('conflict');
  });

  it('a change already in place changes nothing and says so (no version needed, no audit row)', async () => {
    const a = await makeAlert({ status: 'acknowledged', version: 4 });
    const result = await acknowledgeAlert(as(agent), { alertId: a.id, version: 1 });
    expect(result.changed).toBe(false);
    expect(result.message).toContain('already acknowledged');
    expect(await audits(a.id)).toEqual([]);
  });

  it('two agents on the same version: one wins, the other gets a conflict and the fresh state', async () => {
    const a = await makeAlert();
    const results = await Promise.allSettled([
      acknowledgeAlert(as(agent), { alertId: a.id, version: 1 }),
      assignAlert(as(otherAgent), { alertId: a.id, version: 1, assigneeId: otherAgent.id }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((lost.reason as ServiceError).code).toBe('conflict');
    expect((lost.reason as ServiceError).current).toMatchObject({ version: 2 });
  });

  it('assigns to an active agent or admin only, and unassigns', async () => {
    const a = await makeAlert();
    expect(await assignAlert(as(agent), { alertId: a.id, version: 1, assigneeId: agent.id })).toMatchObject({
      changed: true,
      alert: { assigneeId: agent.id },
    });
    expect(await code(assignAlert(as(agent), { alertId: a.id, version: 2, assigneeId: analyst.id }))).toBe('invalid');
    expect(await assignAlert(as(admin), { alertId: a.id, version: 2, assigneeId: null })).toMatchObject({
      changed: true,
      message: 'Unassigned.',
    });
  });

  it('agents and admins act; analysts read but cannot act', async () => {
    const a = await makeAlert();
    expect(await code(acknowledgeAlert(as(analyst), { alertId: a.id, version: 1 }))).toBe('forbidden');
    expect(
      await code(bulkChangeAlerts(as(analyst), { to: 'acknowledged', alerts: [{ alertId: a.id, version: 1 }] })),
    ).toBe('forbidden');
    expect((await alertDetail(as(analyst), a.id)).alert.status).toBe('open');
    expect(await code(acknowledgeAlert(as(admin), { alertId: a.id, version: 1 }))).toBe('ok');
  });

  it('bulk dismiss: one reason, each alert checked on its own, the summary names what was skipped', async () => {
    const [a, b, c] = await Promise.all([makeAlert(), makeAlert({ status: 'dismissed' }), makeAlert({ version: 5 })]);
    expect(await code(bulkChangeAlerts(as(agent), { to: 'dismissed', alerts: [{ alertId: a.id, version: 1 }] }))).toBe(
      'invalid',
    );
    const r = await bulkChangeAlerts(as(agent), {
      to: 'dismissed',
      reason: 'test traffic from QA',
      alerts: [a, b, c].map((x) => ({ alertId: x.id, version: 1 })),
    });
    expect(r).toMatchObject({ changed: 1, unchanged: 1, conflicts: 1 });
    expect(r.message).toContain('1 skipped');
  });
});

describe('the queue', () => {
  it('shows the most severe first, then the longest waiting; filters by status, rule and assignee', async () => {
    const tag = uniqueSuffix();
    const medium = await makeAlert({ severity: 'medium', rule: 'password_bruteforce', subjectId: `m_${tag}` });
    const critical = await makeAlert({ severity: 'critical', rule: 'contact_change_then_risk', subjectId: `c_${tag}` });
    const queue = (await alertQueue(as(analyst), { status: 'active' })).alerts.map((a) => a.id);
    expect(queue.indexOf(critical.id)).toBeLessThan(queue.indexOf(medium.id));
    const onlyBrute = await alertQueue(as(analyst), { status: 'active', rule: 'password_bruteforce' });
    expect(onlyBrute.alerts.every((a) => a.rule === 'password_bruteforce')).toBe(true);
    await assignAlert(as(agent), { alertId: medium.id, version: 1, assigneeId: agent.id });
    expect((await alertQueue(as(agent), { status: 'active', assignee: 'me' })).alerts.map((a) => a.id)).toContain(
      medium.id,
    );
    expect(
      (await alertQueue(as(agent), { status: 'active', assignee: 'unassigned' })).alerts.map((a) => a.id),
    ).not.toContain(medium.id);
  });

  it('an account’s timeline lists its own alerts only', async () => {
    const accountId = '00000000-0000-4000-8000-00000000a1e7';
    const mine = await makeAlert({ accountId });
    await makeAlert();
    const { items } = await accountTimeline(as(analyst), accountId, { kind: ['alert'] });
    expect(items.map((a) => a.id)).toEqual([mine.id]);
  });
});
