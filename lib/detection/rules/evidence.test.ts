import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { DetectionSettings } from '../settings';
import { minuteMs, type DetectionEvent, type PrefixMinute } from '../types';
import { ruleList } from '.';

/*
 * Detection skips a subject for a rule when none of its new events passes the rule's `evidence` test
 * (lib/detection/work). That is exact only if no hit ever names evidence the test rejects: checked here
 * on random event streams, with thresholds low enough that every rule fires often.
 */

const touchy: DetectionSettings = {
  unrequested_otp_burst: { enabled: true, minIssued: 2, windowMinutes: 10 },
  otp_guessing: { enabled: true, minFailures: 2, windowMinutes: 10 },
  password_bruteforce: { enabled: true, minFailures: 2, windowMinutes: 10 },
  credential_stuffing: { enabled: true, minAccounts: 2, windowMinutes: 10 },
  new_device_new_country: { enabled: true, lookbackDays: 1, minAccountAgeDays: 0 },
  impossible_travel: { enabled: true, maxSpeedKmh: 900, minDistanceKm: 1000 }, // GB–DE (about 900 km) is a short hop, walked over
  contact_change_then_risk: { enabled: true, windowHours: 24, knownDeviceDays: 1 },
  sms_pumping: { enabled: true, minIssued: 2, windowMinutes: 10, prefixDigits: 3, maxVerifiedPercent: 100 },
};

const t0 = Date.parse('2026-06-01T12:00:00Z');
const types = [
  'login.succeeded',
  'login.failed',
  'otp.issued',
  'otp.verified',
  'otp.failed',
  'otp.delivery_failed',
  'account.contact_changed',
  'account.password_changed',
  'account.2fa_changed',
] as const;

const event = fc.record({
  type: fc.constantFrom(...types),
  minute: fc.integer({ min: 0, max: 30 }),
  account: fc.integer({ min: 1, max: 3 }),
  // Weighted towards the reasons rules count, so that short streams still make every rule fire often.
  loginReason: fc.oneof(
    { arbitrary: fc.constant('bad_password'), weight: 4 },
    { arbitrary: fc.constantFrom('unknown_account', 'account_locked', 'otp_failed', 'other'), weight: 4 },
  ),
  otpReason: fc.oneof(
    { arbitrary: fc.constant('incorrect'), weight: 3 },
    { arbitrary: fc.constantFrom('expired', 'max_attempts'), weight: 2 },
  ),
  purpose: fc.constantFrom('login', 'transaction', 'delivery', 'password_reset', 'contact_change'),
  channel: fc.constantFrom('sms', 'voice', 'email'),
  otp: fc.integer({ min: 1, max: 4 }),
  enabled: fc.boolean(),
  device: fc.constantFrom('dev_a', 'dev_b', 'dev_c'),
  country: fc.constantFrom('GB', 'DE', 'BR', 'JP'),
  ip: fc.constantFrom('198.51.100.1', '198.51.100.2'),
});

type Drawn = typeof event extends fc.Arbitrary<infer T> ? T : never;

/** A stream on which every rule fires under `touchy`: run first, so the final check never rests on chance. */
const base: Drawn = {
  type: 'login.succeeded',
  minute: 0,
  account: 1,
  loginReason: 'other',
  otpReason: 'expired',
  purpose: 'login',
  channel: 'sms',
  otp: 1,
  enabled: true,
  device: 'dev_a',
  country: 'GB',
  ip: '198.51.100.1',
};
const everyRuleFires: Drawn[] = [
  { ...base },
  { ...base, minute: 5, device: 'dev_b', country: 'BR' }, // new device and country; impossible travel
  { ...base, type: 'otp.issued', minute: 6, otp: 2 },
  { ...base, type: 'otp.issued', minute: 7, otp: 3 }, // two unrequested codes
  { ...base, type: 'otp.failed', minute: 8, otp: 4, otpReason: 'incorrect' },
  { ...base, type: 'otp.failed', minute: 9, otp: 4, otpReason: 'incorrect' }, // guessing
  { ...base, type: 'login.failed', minute: 10, loginReason: 'bad_password' },
  { ...base, type: 'login.failed', minute: 11, account: 2, loginReason: 'bad_password' }, // stuffing from one IP
  { ...base, type: 'login.failed', minute: 12, loginReason: 'bad_password' }, // brute force
  { ...base, type: 'account.contact_changed', minute: 13 },
  { ...base, type: 'account.password_changed', minute: 14 }, // contact change, then risk
];

const toEvents = (drawn: Drawn[]): DetectionEvent[] =>
  drawn
    .map((d, i): DetectionEvent => ({
      eventId: `e${i}`,
      type: d.type,
      occurredAt: t0 + d.minute * minuteMs,
      accountId: `acc-${d.account}`,
      account: `cus_${d.account}`,
      ip: d.ip,
      deviceId: d.device,
      country: d.country,
      reason: d.type === 'login.failed' ? d.loginReason : d.type === 'otp.failed' ? d.otpReason : null,
      otpId: d.type.startsWith('otp.') ? `otp${d.otp}` : null,
      purpose: d.type.startsWith('otp.') ? d.purpose : null,
      channel: d.type.startsWith('otp.') ? d.channel : null,
      destination: d.type.startsWith('otp.') && d.channel !== 'email' ? `+23480312345${d.account}` : null,
      field: d.type === 'account.contact_changed' ? 'phone' : null,
      enabled: d.type === 'account.2fa_changed' ? d.enabled : null,
    }))
    .sort((a, b) => a.occurredAt - b.occurredAt || (a.eventId < b.eventId ? -1 : 1));

/** What the minute rollup would hold for these events (the pumping rule reads counts, not events). */
const prefixCountsOf = (events: DetectionEvent[]): PrefixMinute[] =>
  events
    .filter((e) => e.destination && (e.type === 'otp.issued' || e.type === 'otp.verified'))
    .map((e) => ({
      minute: e.occurredAt - (e.occurredAt % minuteMs),
      prefix: e.destination!.slice(0, 10),
      issued: e.type === 'otp.issued' ? 1 : 0,
      verified: e.type === 'otp.verified' ? 1 : 0,
    }));

describe('rule evidence', () => {
  it("no rule's hit names an event its evidence test rejects", () => {
    const hits = new Map<string, number>();
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 60 }), (drawn) => {
        const events = toEvents(drawn);
        for (const rule of ruleList) {
          for (const hit of rule.evaluate(
            {
              events,
              accountFirstEventAt: t0 - 30 * 24 * 60 * minuteMs,
              prefixCounts: prefixCountsOf(events),
              countryCode: '234',
            },
            touchy[rule.rule],
          )) {
            hits.set(rule.rule, (hits.get(rule.rule) ?? 0) + 1);
            for (const e of hit.evidence) expect(rule.evidence(e), `${rule.rule} named ${e.type}`).toBe(true);
          }
        }
      }),
      { numRuns: 400, examples: [[everyRuleFires]] },
    );
    // The check means something only if every rule fired.
    expect(ruleList.filter((r) => !hits.get(r.rule)).map((r) => r.rule)).toEqual([]);
  });
});
