import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { IngestEvent } from '@/lib/ingest/event-schema';
import { demoDataset } from './generate-events';

const end = new Date('2026-09-15T14:30:00Z');
const digest = (options: { accounts: number; days: number; seed: number }) => {
  const hash = createHash('sha256');
  const dataset = demoDataset({ ...options, end });
  for (const { events } of dataset.days()) hash.update(JSON.stringify(events));
  hash.update(JSON.stringify(dataset.accounts));
  return hash.digest('hex');
};
const allEvents = (options: { accounts: number; days: number; seed: number }) =>
  [...demoDataset({ ...options, end }).days()].flatMap((d) => d.events);

describe('demo data generator', () => {
  it('is deterministic for a seed, and different for another seed', () => {
    const a = digest({ accounts: 60, days: 5, seed: 11 });
    expect(digest({ accounts: 60, days: 5, seed: 11 })).toBe(a);
    expect(digest({ accounts: 60, days: 5, seed: 12 })).not.toBe(a);
  });

  it('emits only events the ingest contract accepts, with unique ids, inside the range', () => {
    const events = allEvents({ accounts: 80, days: 4, seed: 3 });
    expect(events.length).toBeGreaterThan(300);
    const ids = new Set(events.map((e) => e.id));
    expect(ids.size).toBe(events.length);
    const start = end.getTime() - 4 * 86_400_000;
    for (const e of events) {
      const parsed = IngestEvent.safeParse(e);
      expect(parsed.success, JSON.stringify(parsed.error?.issues)).toBe(true);
      const t = Date.parse(e.occurredAt);
      expect(t).toBeLessThan(end.getTime());
      expect(t).toBeGreaterThanOrEqual(start);
    }
  });

  it('looks like real traffic: mostly successful logins, SMS-heavy codes, every purpose and failure reason', () => {
    const events = allEvents({ accounts: 300, days: 14, seed: 7 });
    const logins = events.filter((e) => e.type.startsWith('login.'));
    const succeeded = logins.filter((e) => e.type === 'login.succeeded').length;
    expect(succeeded / logins.length).toBeGreaterThan(0.8);
    const issued = events.filter((e): e is Extract<IngestEvent, { type: 'otp.issued' }> => e.type === 'otp.issued');
    const share = (channel: string) => issued.filter((e) => e.channel === channel).length / issued.length;
    expect(share('sms')).toBeGreaterThan(0.5);
    expect(share('sms')).toBeLessThan(0.7);
    expect(share('email')).toBeGreaterThan(0.15);
    expect(share('email')).toBeLessThan(0.35);
    expect(share('totp')).toBeGreaterThan(0.08);
    expect(share('totp')).toBeLessThan(0.22);
    expect(new Set(issued.map((e) => e.purpose))).toEqual(
      new Set(['login', 'transaction', 'delivery', 'password_reset', 'contact_change']),
    );
    const reasons = new Set(events.flatMap((e) => (e.type === 'otp.failed' ? [e.reason] : [])));
    expect(reasons).toEqual(new Set(['incorrect', 'expired', 'max_attempts']));
    expect(events.some((e) => e.type === 'otp.delivery_failed')).toBe(true);
  });

  it('plants the incidents detection must find', () => {
    const events = allEvents({ accounts: 60, days: 3, seed: 5 });
    const of = (account: string) => events.filter((e) => e.account.id === account);
    const tenMinutes = 600_000;
    const bombing = of('cus_demo_bombed').filter((e) => e.type === 'otp.issued' && e.context?.ip === '45.155.205.3');
    expect(bombing.length).toBeGreaterThanOrEqual(5);
    expect(Date.parse(bombing.at(-1)!.occurredAt) - Date.parse(bombing[0]!.occurredAt)).toBeLessThan(tenMinutes);
    const guesses = of('cus_demo_guessed').filter((e) => e.type === 'otp.failed' && e.context?.ip === '91.219.236.18');
    expect(new Set(guesses.map((e) => (e as { otpId: string }).otpId)).size).toBe(3);
    expect(guesses.length).toBeGreaterThanOrEqual(5);
    expect(
      of('cus_demo_bruteforce').filter((e) => e.type === 'login.failed' && e.context?.ip === '193.42.33.7').length,
    ).toBeGreaterThanOrEqual(10);
    const stuffed = new Set(
      events.filter((e) => e.type === 'login.failed' && e.context?.ip === '185.220.101.47').map((e) => e.account.id),
    );
    expect(stuffed.size).toBeGreaterThanOrEqual(20);
    expect(of('cus_demo_traveller').some((e) => e.type === 'login.succeeded' && e.context?.country === 'BR')).toBe(
      true,
    );
    const grace = of('cus_demo_simswap').map((e) => e.type);
    expect(grace).toEqual(expect.arrayContaining(['account.contact_changed', 'account.2fa_changed']));
  });
});
