import { eq, sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { alertEvidence, alerts, otpEvents } from '@/db/schema';
import { setupTestDatabase } from '@/db/testing/test-database';
import type { IngestEvent } from '@/lib/ingest/event-schema';
import { ingestBatch } from '@/lib/ingest/ingest-batch';
import { uniqueSuffix } from '@/lib/testing/fixtures';
import { detectionIdle } from './queue';
import { minuteMs } from './types';

const { db } = setupTestDatabase();

let n = 0;
const id = (prefix: string) => `${prefix}_${uniqueSuffix()}_${(n += 1)}`;
/**
 * A prefix no other test of this file uses: a 3-digit range of Nigeria's numbers, each drawn once (alerts are on the
 * 3-digit range: two tests drawing the same one at random, 1 in 900 a pair, saw each other's alert; CI did once).
 */
const ranges = Array.from({ length: 900 }, (_, i) => 100 + i).sort(() => Math.random() - 0.5);
const freshPrefix = () => `+234${ranges.pop()!}${Math.floor(Math.random() * 10)}`;

/** `count` SMS codes to fresh numbers under `prefix`, from a few accounts, every few seconds from `start`; a share verified. */
function wave(prefix: string, count: number, start: number, verifiedShare = 0): IngestEvent[] {
  const accounts = Array.from({ length: 3 }, () => id('cus'));
  return Array.from({ length: count }, (_, i): IngestEvent[] => {
    const phone = `${prefix}${String(100_000 + i).slice(1)}${i % 10}`.slice(0, 14);
    const account = { id: accounts[i % accounts.length]!, phone };
    const otp = { otpId: id('otp'), channel: 'sms' as const, purpose: 'login' as const };
    const at = start + i * 8_000;
    const issued: IngestEvent = {
      id: id('evt'),
      type: 'otp.issued',
      occurredAt: new Date(at).toISOString(),
      account,
      ...otp,
    };
    if (Math.floor((i + 1) * verifiedShare) === Math.floor(i * verifiedShare)) return [issued];
    return [
      issued,
      { id: id('evt'), type: 'otp.verified', occurredAt: new Date(at + 20_000).toISOString(), account, ...otp },
    ];
  }).flat();
}

const prefixAlerts = (prefix: string) =>
  db()
    .select()
    .from(alerts)
    .where(sql`${alerts.subjectType} = 'prefix' and ${alerts.subjectId} like ${`${prefix.slice(0, 7)}%`}`);

describe('SMS pumping through ingest', () => {
  it('a wave against one prefix, sent in concurrent batches, raises one alert on the prefix with every code as evidence', async () => {
    const prefix = freshPrefix();
    const events = wave(prefix, 60, Date.now() - 30 * minuteMs);
    const batches = [events.slice(0, 20), events.slice(20, 40), events.slice(40)];
    await Promise.all(batches.map((b) => ingestBatch(db(), b)));
    await detectionIdle();

    const [alert, ...rest] = await prefixAlerts(prefix);
    expect(rest).toEqual([]);
    expect(alert).toMatchObject({
      rule: 'sms_pumping',
      severity: 'high',
      subjectType: 'prefix',
      subjectId: prefix.slice(0, 7),
      accountId: null,
    });
    expect(alert!.details).toMatchObject({ codes: 60, numbers: 60, accountCount: 3, verifiedRate: 0 });
    const evidence = await db().select().from(alertEvidence).where(eq(alertEvidence.alertId, alert!.id));
    expect(evidence).toHaveLength(60);
    expect(evidence[0]!.summary).toHaveProperty('destination');
  });

  it('stores where each code went, and counts it in the prefix rollup (which the rule reads)', async () => {
    const prefix = freshPrefix();
    const events = wave(prefix, 10, Date.now() - 3 * 60 * minuteMs, 0.5);
    await ingestBatch(db(), events);
    await detectionIdle();
    const stored = await db()
      .select({ destination: otpEvents.destination, kind: otpEvents.kind })
      .from(otpEvents)
      .where(sql`${otpEvents.eventId} = any(${sql.raw(`array[${events.map((e) => `'${e.id}'`).join(',')}]`)})`);
    expect(stored).toHaveLength(15);
    expect(stored.every((r) => r.destination?.startsWith(prefix))).toBe(true);
    const [rollup] = await queryRows<{ issued: number; verified: number }>(
      db(),
      sql`select sum(count) filter (where kind = 'issued')::int as issued, sum(count) filter (where kind = 'verified')::int as verified
            from otp_prefix_rollup_minute where prefix like ${`${prefix}%`}`,
    );
    expect(rollup).toEqual({ issued: 10, verified: 5 });
    expect(await prefixAlerts(prefix)).toEqual([]);
  });

  it("a code sent without a phone on the event goes to the account's stored phone", async () => {
    const prefix = freshPrefix();
    const account = id('cus');
    const phone = `${prefix}123456`;
    const at = Date.now() - 4 * 60 * minuteMs;
    await ingestBatch(db(), [
      {
        id: id('evt'),
        type: 'login.succeeded',
        occurredAt: new Date(at).toISOString(),
        account: { id: account, phone },
        method: 'password',
      },
    ]);
    const code: IngestEvent = {
      id: id('evt'),
      type: 'otp.issued',
      occurredAt: new Date(at + minuteMs).toISOString(),
      account: { id: account },
      otpId: id('otp'),
      channel: 'voice',
      purpose: 'payment' as never,
    };
    await ingestBatch(db(), [{ ...code, purpose: 'transaction' }]);
    const [row] = await db()
      .select({ destination: otpEvents.destination })
      .from(otpEvents)
      .where(eq(otpEvents.eventId, code.id));
    expect(row?.destination).toBe(phone);
  });

  it('a carrier outage (the whole country converting badly) raises nothing', async () => {
    const start = Date.now() - 6 * 60 * minuteMs;
    const pumped = freshPrefix();
    await ingestBatch(db(), [
      ...wave(pumped, 60, start, 0.05),
      ...wave(freshPrefix(), 40, start, 0.075),
      ...wave(freshPrefix(), 40, start, 0.075),
    ]);
    await detectionIdle();
    expect(await prefixAlerts(pumped)).toEqual([]);
  });
});
