import { and, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, type Database, type Db } from '@/db/client';
import { accounts, alerts, auditLog, detectionBacktests, fraudReports } from '@/db/schema';
import { createTestDatabase, setupTestDatabase } from '@/db/testing/test-database';
import { serviceContext } from '@/lib/context';
import type { ServiceError } from '@/lib/errors';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { makeStaff, uniqueSuffix } from '@/lib/testing/fixtures';
import { BacktestCancelled, backtestRule, replayRule } from './backtest';
import { cancelBacktest, getBacktest, requestBacktest, runBacktestPass } from './backtest-jobs';
import { detectionIdle } from './queue';
import { defaultDetectionSettings, loadDetectionSettings, saveDetectionSettings } from './settings';
import { minuteMs } from './types';

const { db } = setupTestDatabase();

let n = 0;
const id = (prefix: string) => `${prefix}_${uniqueSuffix()}_${(n += 1)}`;
const start = Date.now() - 6 * 60 * minuteMs;
const at = (minutes: number) => new Date(start + minutes * minuteMs).toISOString();

/** `failures` wrong codes for one account, one a minute, on codes of their own (none verified). */
function guessing(account: string, failures: number, from: number): IngestEvent[] {
  return Array.from({ length: failures }, (_, i): IngestEvent[] => {
    const otp = { otpId: id('otp'), channel: 'sms' as const, purpose: 'login' as const };
    return [
      { id: id('evt'), type: 'otp.issued', occurredAt: at(from + i), account: { id: account }, ...otp },
      {
        id: id('evt'),
        type: 'otp.failed',
        occurredAt: at(from + i + 0.5),
        account: { id: account },
        reason: 'incorrect',
        ...otp,
      },
    ];
  }).flat();
}

/** Failed logins from one IP against `count` accounts within a few minutes. */
function stuffing(ip: string, count: number, from: number): IngestEvent[] {
  return Array.from({ length: count }, (_, i): IngestEvent => ({
    id: id('evt'),
    type: 'login.failed',
    occurredAt: at(from + i * 0.1),
    account: { id: id('cus') },
    reason: 'bad_password',
    context: { ip, deviceId: id('dev'), country: 'GB' },
  }));
}

const guesser = id('cus');
const nearMiss = id('cus');
const calm = id('cus');
const events: IngestEvent[] = [
  ...guessing(guesser, 6, 0), // raised at the default of 5
  ...guessing(nearMiss, 3, 60), // raised only at 3
  ...guessing(calm, 1, 120),
  ...stuffing('198.51.100.20', 25, 180), // raised at the default of 20
  ...stuffing('198.51.100.21', 12, 200), // raised only at 10
];

const proposed = {
  otp_guessing: { ...defaultDetectionSettings.otp_guessing, minFailures: 3 },
  credential_stuffing: { ...defaultDetectionSettings.credential_stuffing, minAccounts: 10 },
};

async function alertKeys(database: Db, rule: string) {
  const rows = await queryRows<{ subject_type: string; subject_id: string; evidence_count: number }>(
    database,
    sql`select subject_type, subject_id, evidence_count from alerts where rule = ${rule} order by subject_type, subject_id`,
  );
  return rows.map((r) => `${r.subject_type}:${r.subject_id}:${r.evidence_count}`);
}

const accountId = async (database: Db, external: string) =>
  (await database.select({ id: accounts.id }).from(accounts).where(eq(accounts.externalId, external)))[0]!.id;

/** Ingests the events as the platform sends them, detection included; returns when detection is idle. */
async function ingestAll(database: Db) {
  await ingestBatch(database, events);
  await detectionIdle();
}

describe('backtest', () => {
  let copy: Database;
  beforeAll(async () => {
    await ingestAll(db());
    // A copy of the data on a fresh database whose detection ran with the proposed thresholds from the start.
    copy = await createTestDatabase();
    await copy.db.transaction((tx) => saveDetectionSettings(tx, { ...defaultDetectionSettings, ...proposed }));
    await ingestAll(copy.db);
  });
  afterAll(async () => {
    await copy?.close();
  });

  it('with the settings in use, finds exactly the alerts detection raised', async () => {
    const settings = await loadDetectionSettings(db());
    for (const rule of ['otp_guessing', 'credential_stuffing'] as const) {
      const result = await backtestRule(db(), { rule, settings: settings[rule], days: 30 });
      expect(result.raised).toBe((await alertKeys(db(), rule)).length);
      expect(result).toMatchObject({ wouldRaise: result.raised, kept: result.raised });
      expect(result.added.count).toBe(0);
      expect(result.removed.count).toBe(0);
      expect(result.summary).toMatch(/^These settings would have raised the same \d+ alerts? in 30 days/);
    }
  });

  it('with proposed settings, equals a fresh detection run over a copy of the data: same alerts, same evidence', async () => {
    for (const rule of ['otp_guessing', 'credential_stuffing'] as const) {
      const replay = await replayRule(db(), { rule, settings: proposed[rule], days: 30 });
      const replayed = [...replay.hits.values()]
        .map((h) => `${h.subject.subjectType}:${h.subject.subjectId}:${h.evidence.size}`)
        .sort();
      const fresh = await alertKeys(copy.db, rule);
      expect(replayed).toEqual(fresh);
      expect(fresh.length).toBeGreaterThan((await alertKeys(db(), rule)).length);
    }
  });

  it('says how many more alerts a lower threshold raises and how many of their accounts had confirmed fraud', async () => {
    await db()
      .insert(fraudReports)
      .values({
        reference: `VGL-${uniqueSuffix()}`,
        category: 'unrequested_code',
        status: 'resolved',
        resolution: 'confirmed_fraud',
        priority: 'high',
        dueAt: new Date(),
        description: 'Someone tried codes on my account',
        source: 'web',
        accountId: await accountId(db(), nearMiss),
      });
    const result = await backtestRule(db(), { rule: 'otp_guessing', settings: proposed.otp_guessing, days: 30 });
    expect(result.added).toMatchObject({ count: 1, accounts: 1, confirmedFraudAccounts: 1 });
    expect(result.added.sample).toEqual([{ subjectType: 'account', subjectId: nearMiss }]);
    expect(result.removed.count).toBe(0);
    expect(result.summary).toBe(
      'This change would have raised 1 more alert in 30 days; 1 of the 1 account had a confirmed fraud report.',
    );
  });

  it('says which raised alerts a stricter threshold drops, with what staff decided about them', async () => {
    await db()
      .update(alerts)
      .set({ status: 'dismissed' })
      .where(and(eq(alerts.rule, 'otp_guessing'), eq(alerts.subjectId, guesser)));
    const stricter = { ...defaultDetectionSettings.otp_guessing, minFailures: 10 };
    const result = await backtestRule(db(), { rule: 'otp_guessing', settings: stricter, days: 30 });
    expect(result).toMatchObject({ wouldRaise: 0, raised: 1, kept: 0 });
    expect(result.removed).toMatchObject({ count: 1, dismissed: 1, resolved: 0, active: 0 });
    expect(result.summary).toMatch(
      /^This change would not have raised 1 alert the rule raised in 30 days: staff resolved 0, dismissed 1/,
    );
    const off = await backtestRule(db(), {
      rule: 'otp_guessing',
      settings: { ...stricter, enabled: false },
      days: 30,
    });
    expect(off.wouldRaise).toBe(0);
  });

  it('takes no subject lock and writes nothing: detection holding an account does not hold it up', async () => {
    const before = await queryRows<{ alerts: number; evidence: number; outbox: number }>(
      db(),
      sql`select (select count(*) from alerts)::int as alerts, (select count(*) from alert_evidence)::int as evidence,
                 (select count(*) from outbox)::int as outbox`,
    );
    const holder = await accountId(db(), guesser);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked!: () => void;
    const lockTaken = new Promise<void>((resolve) => (locked = resolve));
    const holding = db().transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`vigil:detect:account:${holder}`}, 0))`);
      locked();
      await released;
    });
    await lockTaken;
    const result = await backtestRule(db(), { rule: 'otp_guessing', settings: proposed.otp_guessing, days: 30 });
    release();
    await holding;
    expect(result.wouldRaise).toBe(2);
    const after = await queryRows<{ alerts: number; evidence: number; outbox: number }>(
      db(),
      sql`select (select count(*) from alerts)::int as alerts, (select count(*) from alert_evidence)::int as evidence,
                 (select count(*) from outbox)::int as outbox`,
    );
    expect(after).toEqual(before);
  });

  it('stops when its progress check says cancelled', async () => {
    let calls = 0;
    await expect(
      replayRule(db(), { rule: 'otp_guessing', settings: proposed.otp_guessing, days: 30 }, () => {
        calls += 1;
        return Promise.resolve(false);
      }),
    ).rejects.toBeInstanceOf(BacktestCancelled);
    expect(calls).toBe(1);
  });
});

describe('backtest jobs', () => {
  it('an analyst asks, the background pass runs it with progress, and the result is audited', async () => {
    const { actor } = await makeStaff(db(), 'analyst');
    const ctx = serviceContext(db(), actor, { requestId: 'req-backtest' });
    const job = await requestBacktest(ctx, { rule: 'otp_guessing', settings: proposed.otp_guessing, days: 7 });
    expect(job).toMatchObject({ status: 'queued', days: 7, rule: 'otp_guessing', requestedBy: actor.email });
    expect(await runBacktestPass(db())).toBe(true);
    const done = await getBacktest(ctx, job.id);
    expect(done.status).toBe('done');
    expect(done.total).toBeGreaterThan(0);
    expect(done.done).toBe(done.total);
    expect(done.result?.wouldRaise).toBe(2);
    const audit = await db().select().from(auditLog).where(eq(auditLog.targetId, job.id)).orderBy(auditLog.id);
    expect(audit.map((a) => [a.action, a.actorEmail])).toEqual([
      ['detection.backtest_requested', actor.email],
      ['detection.backtest', 'vigil:backtest'],
    ]);
    expect(audit[1]!.after).toMatchObject({ wouldRaise: 2, summary: done.result!.summary });
    expect(await runBacktestPass(db())).toBe(false);
  });

  it('a backtest whose server died mid-run (its lease ran out) is taken by the next pass; a live lease is left alone', async () => {
    const { actor } = await makeStaff(db(), 'analyst');
    const ctx = serviceContext(db(), actor);
    const job = await requestBacktest(ctx, { rule: 'otp_guessing', settings: proposed.otp_guessing, days: 7 });
    await db()
      .update(detectionBacktests)
      .set({ status: 'running', leaseUntil: sql`now() + interval '1 minute'` })
      .where(eq(detectionBacktests.id, job.id));
    expect(await runBacktestPass(db())).toBe(false);
    await db()
      .update(detectionBacktests)
      .set({ leaseUntil: sql`now() - interval '1 second'` })
      .where(eq(detectionBacktests.id, job.id));
    expect(await runBacktestPass(db())).toBe(true);
    expect(await getBacktest(ctx, job.id)).toMatchObject({ status: 'done', result: { wouldRaise: 2 } });
  });

  it('a cancelled backtest never runs; a new request replaces the same person’s unfinished one', async () => {
    const { actor } = await makeStaff(db(), 'admin');
    const ctx = serviceContext(db(), actor);
    const first = await requestBacktest(ctx, { rule: 'otp_guessing', settings: proposed.otp_guessing });
    const second = await requestBacktest(ctx, { rule: 'credential_stuffing', settings: proposed.credential_stuffing });
    expect((await getBacktest(ctx, first.id)).status).toBe('cancelled');
    expect(second.days).toBe(30);
    expect((await cancelBacktest(ctx, second.id)).status).toBe('cancelled');
    expect(await runBacktestPass(db())).toBe(false);
    const rows = await db().select().from(detectionBacktests).where(eq(detectionBacktests.requestedBy, actor.id));
    expect(rows.every((r) => r.result === null)).toBe(true);
  });

  it('refuses agents, unknown rules and settings out of range, naming the field; stores nothing', async () => {
    const agent = serviceContext(db(), (await makeStaff(db(), 'agent')).actor);
    await expect(
      requestBacktest(agent, { rule: 'otp_guessing', settings: proposed.otp_guessing }),
    ).rejects.toMatchObject({
      code: 'forbidden',
    });
    const analyst = serviceContext(db(), (await makeStaff(db(), 'analyst')).actor);
    const refusal = (input: unknown) =>
      requestBacktest(analyst, input).then(
        () => 'stored',
        (e: ServiceError) => `${e.code}: ${Object.keys(e.fieldErrors ?? {}).join(', ')}`,
      );
    expect(await refusal({ rule: 'nope', settings: {} })).toBe('invalid: rule');
    expect(
      await refusal({ rule: 'otp_guessing', settings: { ...proposed.otp_guessing, minFailures: 1, windowMinutes: 0 } }),
    ).toBe('invalid: minFailures, windowMinutes');
    expect(await refusal({ rule: 'otp_guessing', settings: proposed.otp_guessing, days: 400 })).toBe('invalid: days');
    const rows = await db()
      .select()
      .from(detectionBacktests)
      .where(eq(detectionBacktests.requestedBy, analyst.actor.id!));
    expect(rows).toEqual([]);
    await expect(getBacktest(analyst, 'not-a-uuid')).rejects.toMatchObject({ code: 'not_found' });
  });
});
