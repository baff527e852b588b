import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { alertEvidence, alerts, auditLog, fraudReports, staffUsers } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import { retentionArmed } from '@/lib/retention/retention';
import { seedDemoData } from './seed-demo';

const { db } = setupTestDatabase();
// A fixed end, at midday: the demo is deterministic for a seed and an end time, and the planted incidents sit
// just before the end. With `new Date()`, a run just after midnight UTC let the new day's ordinary traffic of an
// incident's customer fall inside its alert window (a 4th piece of evidence where 3 are planted).
const fixedEnd = new Date('2026-12-04T12:00:00Z');

describe('the demo data', () => {
  it('raises exactly one alert of its intended rule for every planted incident, on the right subject', async () => {
    await seedDemoData(db(), { accounts: 60, days: 25, seed: 5, end: fixedEnd });
    const raised = await db().select().from(alerts);
    const evidence = await db().select().from(alertEvidence);
    const of = (rule: string, subjectId: string) => raised.filter((a) => a.rule === rule && a.subjectId === subjectId);
    const planted = [
      ['unrequested_otp_burst', 'cus_demo_bombed', 18],
      ['otp_guessing', 'cus_demo_guessed', 11],
      ['password_bruteforce', 'cus_demo_bruteforce', 25],
      ['credential_stuffing', '185.220.101.47', 40],
      ['new_device_new_country', 'cus_demo_traveller', 1],
      ['impossible_travel', 'cus_demo_jetlag', 2],
      ['contact_change_then_risk', 'cus_demo_simswap', 3],
      ['sms_pumping', '+234905', 80],
    ] as const;
    for (const [rule, subject, evidenceCount] of planted) {
      const found = of(rule, subject);
      expect(found, `${rule} on ${subject}`).toHaveLength(1);
      expect(found[0]!.evidenceCount, `${rule} evidence`).toBe(evidenceCount);
      expect(evidence.filter((e) => e.alertId === found[0]!.id)).toHaveLength(evidenceCount);
    }
    // The rest of the demo population is ordinary customers: noise may raise a few alerts, not a flood.
    const plantedIds = new Set(planted.map(([rule, subject]) => `${rule}:${subject}`));
    const noise = raised.filter((a) => !plantedIds.has(`${a.rule}:${a.subjectId}`));
    expect(noise.length, JSON.stringify(noise.map((a) => `${a.rule}:${a.subjectId}`))).toBeLessThanOrEqual(6);
    // A new installation to retention: the daily run keeps every class inside its window by itself.
    expect(await retentionArmed(db())).toBe(true);
  });

  it('has fraud reports on every report page: the incidents’ customers, a phishing wave, everyday reports', async () => {
    const reports = await db().select().from(fraudReports);
    expect(reports.length).toBeGreaterThanOrEqual(25);
    expect(new Set(reports.map((r) => r.category)).size).toBe(6);
    const bombed = reports.find((r) => r.email === 'nadia.okafor@example.com');
    expect(bombed).toMatchObject({ category: 'unrequested_code', priority: 'high' });
    expect(bombed!.accountId).not.toBeNull();
    const wave = reports.filter((r) => r.linkDomain === 'royal-parcel-redelivery.example');
    expect(wave).toHaveLength(8);
    expect(new Set(wave.map((r) => r.senderNumber))).toEqual(new Set(['+447700900555']));
    // Like a real queue: the incidents' fresh reports are new, older ones are being investigated by the demo
    // agent (some past their SLA, so the SLA filter has something to show), the oldest are resolved.
    expect(bombed!.status).toBe('new');
    const byStatus = (status: string) => reports.filter((r) => r.status === status);
    expect(byStatus('new').length).toBeGreaterThanOrEqual(5);
    expect(byStatus('investigating').length).toBeGreaterThanOrEqual(3);
    expect(byStatus('resolved').length).toBeGreaterThanOrEqual(5);
    const [agent] = await db().select().from(staffUsers).where(eq(staffUsers.email, 'agent@demo.vigil'));
    expect(new Set([...byStatus('investigating'), ...byStatus('resolved')].map((r) => r.assigneeId))).toEqual(
      new Set([agent!.id]),
    );
    expect(byStatus('resolved').every((r) => r.resolution !== null && r.closedAt !== null)).toBe(true);
    expect(byStatus('investigating').some((r) => r.dueAt < new Date())).toBe(true);
    // Each step went through the report services, so the audit log has who did it.
    const resolvedAudit = await db()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'report.resolve'), eq(auditLog.actorEmail, 'agent@demo.vigil')));
    expect(resolvedAudit).toHaveLength(byStatus('resolved').length);
  });
});
