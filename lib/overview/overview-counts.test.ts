import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { alerts, fraudReports } from '@/db/schema';
import { insertAccount, makeStaff, systemActor, uniqueSuffix } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import { serviceContext } from '@/lib/context';
import { fileReport } from '@/lib/reports/file-report';
import { overviewCounts } from './overview-counts';

const { db } = setupTestDatabase();

async function alert(values: Partial<typeof alerts.$inferInsert>) {
  const at = new Date();
  await db()
    .insert(alerts)
    .values({
      rule: 'password_bruteforce',
      severity: 'medium',
      subjectType: 'account',
      subjectId: `cus_${uniqueSuffix()}`,
      firstSeen: at,
      lastSeen: at,
      ...values,
    });
}

async function report(status: (typeof fraudReports.$inferSelect)['status'], overdue: boolean) {
  const filer = () => serviceContext(db(), systemActor);
  const { reference } = await fileReport(
    filer(),
    { category: 'other', email: `o.${uniqueSuffix()}@example.com`, description: 'something odd happened' },
    'api',
  );
  await db()
    .update(fraudReports)
    .set({ status, ...(overdue ? { dueAt: sql`now() - interval '1 hour'` } : {}) })
    .where(eq(fraudReports.reference, reference));
}

describe('overview counts', () => {
  it('counts open alerts (urgent and unassigned among them), new reports and open reports past their SLA, for every staff role', async () => {
    const { actor: agent } = await makeStaff(db(), 'agent');
    await insertAccount(db(), { externalId: `cus_${uniqueSuffix()}`, firstEventAt: new Date(), status: 'locked' });
    await alert({ severity: 'critical' });
    await alert({ severity: 'high', assigneeId: agent.id });
    await alert({ severity: 'low' });
    await alert({ severity: 'critical', status: 'acknowledged' }); // someone is on it: not open
    await alert({ severity: 'high', status: 'dismissed' });
    await report('new', false);
    await report('new', true);
    await report('investigating', true);
    await report('resolved', true); // closed: past its due time, but no longer waiting
    for (const role of ['agent', 'analyst', 'admin'] as const) {
      const { actor } = await makeStaff(db(), role);
      expect(await overviewCounts(serviceContext(db(), actor))).toEqual({
        accounts: 1,
        lockedAccounts: 1,
        alerts: { open: 3, urgent: 2, unassigned: 2 },
        reports: { new: 2, overdue: 2 },
      });
    }
  });
});
