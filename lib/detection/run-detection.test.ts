import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { alertEvidence, alerts } from '@/db/schema';
import { uniqueSuffix } from '@/lib/testing/fixtures';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { storeEvents } from '@/lib/ingest/store-events';
import { detectionIdle, scheduleDetection } from './queue';
import { runDetection } from './run-detection';
import { defaultDetectionSettings, saveDetectionSettings } from './settings';
import { dayMs, minuteMs } from './types';
import { workFor } from './work';

const { db } = setupTestDatabase();

let n = 0;
const id = (prefix: string) => `${prefix}_${uniqueSuffix()}_${(n += 1)}`;
const iso = (ms: number) => new Date(ms).toISOString();
const base = Date.now() - 2 * 60 * minuteMs;

function issued(account: string, at: number): IngestEvent {
  return {
    id: id('evt'),
    type: 'otp.issued',
    occurredAt: iso(at),
    account: { id: account },
    otpId: id('otp'),
    channel: 'sms',
    purpose: 'login',
    context: { ip: '198.51.100.20', country: 'NL', deviceId: 'dev_x' },
  };
}
function failedLogin(account: string, at: number, ip: string): IngestEvent {
  return {
    id: id('evt'),
    type: 'login.failed',
    occurredAt: iso(at),
    account: { id: account },
    reason: 'bad_password',
    context: { ip, country: 'DE' },
  };
}
function login(account: string, at: number, country: string, deviceId: string): IngestEvent {
  return {
    id: id('evt'),
    type: 'login.succeeded',
    occurredAt: iso(at),
    account: { id: account },
    method: 'password',
    context: { ip: '203.0.113.50', country, deviceId },
  };
}

async function ingest(events: IngestEvent[]) {
  const result = await ingestBatch(db(), events);
  await detectionIdle();
  return result;
}
const alertsOf = (subjectId: string) =>
  db().select().from(alerts).where(eq(alerts.subjectId, subjectId)).orderBy(alerts.detectedAt);
const evidenceOf = async (alertId: string) =>
  (
    await db().select().from(alertEvidence).where(eq(alertEvidence.alertId, alertId)).orderBy(alertEvidence.occurredAt)
  ).map((e) => e.eventId);

describe('detection after ingest', () => {
  it('a burst in one batch raises one alert on the right account with its evidence', async () => {
    const account = id('cus');
    const burst = Array.from({ length: 6 }, (_, i) => issued(account, base + i * minuteMs));
    await ingest(burst);
    const [alert, ...rest] = await alertsOf(account);
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({
      rule: 'unrequested_otp_burst',
      severity: 'high',
      status: 'open',
      subjectType: 'account',
      hitCount: 1,
      evidenceCount: 6,
    });
    expect(alert!.accountId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await evidenceOf(alert!.id)).toEqual(burst.map((e) => e.id));
    expect(alert!.firstSeen.toISOString()).toBe(burst[0]!.occurredAt);
    expect(alert!.lastSeen.toISOString()).toBe(burst[5]!.occurredAt);
  });

  it('a replayed batch raises nothing new', async () => {
    const account = id('cus');
    const burst = Array.from({ length: 5 }, (_, i) => issued(account, base + i * minuteMs));
    await ingest(burst);
    const before = await alertsOf(account);
    expect(await ingest(burst)).toMatchObject({ accepted: 0, duplicates: 5 });
    // Even a forced re-run over the same events (as if they were new) changes nothing.
    const rerun = workFor(
      burst.map((e) => ({ eventId: e.id, accountId: before[0]!.accountId!, occurredAt: e.occurredAt, type: e.type })),
    );
    expect(await runDetection(db(), rerun)).toEqual({ opened: 0, updated: 0 });
    expect(await alertsOf(account)).toEqual(before);
  });

  it('a burst split across concurrent batches is still caught, as one alert', async () => {
    const account = id('cus');
    const burst = Array.from({ length: 6 }, (_, i) => issued(account, base + i * 30_000));
    await Promise.all([
      ingestBatch(
        db(),
        burst.filter((_, i) => i % 2 === 0),
      ),
      ingestBatch(
        db(),
        burst.filter((_, i) => i % 2 === 1),
      ),
    ]);
    await detectionIdle();
    const found = await alertsOf(account);
    expect(found).toHaveLength(1);
    expect((await evidenceOf(found[0]!.id)).sort()).toEqual(burst.map((e) => e.id).sort());
  });

  it('two servers detecting the same subjects at once still file one alert (per-subject locks)', async () => {
    const account = id('cus');
    const burst = Array.from({ length: 5 }, (_, i) => issued(account, base + i * minuteMs));
    const stored = await db().transaction((tx) => storeEvents(tx, burst));
    const outcomes = await Promise.all([runDetection(db(), stored.detection), runDetection(db(), stored.detection)]);
    expect(outcomes.map((o) => o.opened).sort()).toEqual([0, 1]);
    expect(await alertsOf(account)).toHaveLength(1);
  });

  it('later hits add evidence and bump the hit count instead of opening another alert', async () => {
    const account = id('cus');
    await ingest(Array.from({ length: 5 }, (_, i) => issued(account, base + i * minuteMs)));
    const more = Array.from({ length: 5 }, (_, i) => issued(account, base + 30 * minuteMs + i * minuteMs));
    await ingest(more);
    const [alert, ...rest] = await alertsOf(account);
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({ hitCount: 2, evidenceCount: 10 });
    expect(alert!.lastSeen.toISOString()).toBe(more[4]!.occurredAt);
  });

  it('after an alert is closed, a new hit opens a new one; old evidence never re-opens it', async () => {
    const account = id('cus');
    const first = Array.from({ length: 5 }, (_, i) => issued(account, base + i * minuteMs));
    await ingest(first);
    await db()
      .update(alerts)
      .set({ status: 'resolved', resolutionReason: 'test' })
      .where(eq(alerts.subjectId, account));
    // An unrelated event in the same window: the old burst is seen again but holds no new event.
    await ingest([login(account, base + 6 * minuteMs, 'NL', 'dev_x')]);
    expect(await alertsOf(account)).toHaveLength(1);
    const second = Array.from({ length: 5 }, (_, i) => issued(account, base + 40 * minuteMs + i * minuteMs));
    await ingest(second);
    const all = await alertsOf(account);
    expect(all.map((a) => a.status)).toEqual(['resolved', 'open']);
    expect(await evidenceOf(all[1]!.id)).toEqual(second.map((e) => e.id));
  });

  it('a late batch is judged at its own time', async () => {
    const account = id('cus');
    const lateStart = Date.now() - 3 * dayMs;
    await ingest([login(account, Date.now() - 60_000, 'NL', 'dev_x')]);
    const late = Array.from({ length: 5 }, (_, i) => issued(account, lateStart + i * minuteMs));
    await ingest(late);
    const [alert] = await alertsOf(account);
    expect(alert!.firstSeen.toISOString()).toBe(late[0]!.occurredAt);
  });

  it('one IP failing against 20 accounts across batches is one IP alert listing the accounts', async () => {
    const ip = `198.18.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const targets = Array.from({ length: 20 }, () => id('cus'));
    const tries = targets.map((a, i) => failedLogin(a, base + i * 20_000, ip));
    await ingest(tries.slice(0, 10));
    expect(await alertsOf(ip)).toEqual([]);
    await ingest(tries.slice(10));
    const [alert, ...rest] = await alertsOf(ip);
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({ rule: 'credential_stuffing', subjectType: 'ip', accountId: null, evidenceCount: 20 });
    expect([...(alert!.details.accounts as string[])].sort()).toEqual([...targets].sort());
  });

  it('an account with history logging in from a new device in a far country raises both travel rules', async () => {
    const account = id('cus');
    const history = Array.from({ length: 5 }, (_, i) =>
      login(account, Date.now() - (20 - i) * dayMs, 'GB', 'dev_home'),
    );
    await ingest(history);
    const home = login(account, Date.now() - 90 * minuteMs, 'GB', 'dev_home');
    const away = login(account, Date.now() - 30 * minuteMs, 'BR', 'dev_new');
    await ingest([home, away]);
    const found = await alertsOf(account);
    expect(found.map((a) => a.rule).sort()).toEqual(['impossible_travel', 'new_device_new_country']);
    const travel = found.find((a) => a.rule === 'impossible_travel')!;
    expect(await evidenceOf(travel.id)).toEqual([home.id, away.id]);
    const device = found.find((a) => a.rule === 'new_device_new_country')!;
    expect(await evidenceOf(device.id)).toEqual([away.id]);
  });

  it('a rule turned off in the settings raises nothing', async () => {
    await db().transaction((tx) =>
      saveDetectionSettings(tx, {
        ...defaultDetectionSettings,
        unrequested_otp_burst: { ...defaultDetectionSettings.unrequested_otp_burst, enabled: false },
      }),
    );
    try {
      const account = id('cus');
      await ingest(Array.from({ length: 8 }, (_, i) => issued(account, base + i * minuteMs)));
      expect(
        await db()
          .select()
          .from(alerts)
          .where(and(eq(alerts.subjectId, account))),
      ).toEqual([]);
    } finally {
      await db().transaction((tx) => saveDetectionSettings(tx, defaultDetectionSettings));
    }
  });

  it('a run that fails (the database hiccuped) is retried, and the burst still raises its alert', async () => {
    const account = id('cus');
    const stored = await db().transaction((tx) =>
      storeEvents(
        tx,
        Array.from({ length: 5 }, (_, i) => issued(account, base + i * minuteMs)),
      ),
    );
    let failures = 1;
    // The first detection transaction fails; the queue must try again.
    const flaky = new Proxy(db(), {
      get(target, property, receiver) {
        if (property === 'transaction' && failures > 0) {
          failures -= 1;
          return () => Promise.reject(new Error('connection reset'));
        }
        const value = Reflect.get(target, property, receiver) as unknown;
        return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
      },
    });
    scheduleDetection(flaky, stored.detection);
    await detectionIdle();
    expect(failures).toBe(0);
    await expect.poll(async () => (await alertsOf(account)).length, { timeout: 15_000 }).toBe(1);
  });
});
