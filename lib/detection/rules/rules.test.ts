import { describe, expect, it } from 'vitest';
import { defaultDetectionSettings as defaults } from '../settings';
import { dayMs, minuteMs, type DetectionEvent } from '../types';
import { rules } from '.';

/*
 * Each rule as a pure function: just over its threshold (a hit), just under (none), outside its
 * window (none), and the evidence names exactly the events that triggered it.
 */

const t0 = Date.parse('2026-06-01T12:00:00Z');
let n = 0;
function ev(type: DetectionEvent['type'], at: number, extra: Partial<DetectionEvent> = {}): DetectionEvent {
  n += 1;
  return {
    eventId: `e${n}`,
    type,
    occurredAt: at,
    accountId: 'acc-1',
    account: 'cus_1',
    ip: '198.51.100.9',
    deviceId: 'dev_home',
    country: 'GB',
    ...extra,
  };
}
const ids = (events: readonly DetectionEvent[]) => events.map((e) => e.eventId);
const sorted = (events: DetectionEvent[]) => [...events].sort((a, b) => a.occurredAt - b.occurredAt);
const every = (count: number, start: number, stepMs: number, make: (at: number, i: number) => DetectionEvent) =>
  Array.from({ length: count }, (_, i) => make(start + i * stepMs, i));

describe('unrequested_otp_burst', () => {
  const rule = rules.unrequested_otp_burst;
  const s = defaults.unrequested_otp_burst;
  const issued = (at: number) => ev('otp.issued', at, { otpId: `o${at}`, channel: 'sms', purpose: 'login' });

  it('5 codes within 10 min with no success between them is a hit naming exactly those codes', () => {
    const burst = every(5, t0, 2.5 * minuteMs, issued);
    const before = issued(t0 - 30 * minuteMs);
    const [hit, ...rest] = rule.evaluate({ events: sorted([before, ...burst]) }, s);
    expect(rest).toEqual([]);
    expect(ids(hit!.evidence)).toEqual(ids(burst));
    expect(hit!.details).toMatchObject({ issued: 5, channels: ['sms'] });
  });

  it('4 codes are under the threshold', () => {
    expect(rule.evaluate({ events: every(4, t0, minuteMs, issued) }, s)).toEqual([]);
  });

  it('5 codes spread over just more than 10 min are outside the window', () => {
    expect(rule.evaluate({ events: every(5, t0, 2.5 * minuteMs + 1000, issued) }, s)).toEqual([]);
  });

  it('a verified code or a successful login between them splits the burst', () => {
    const codes = every(6, t0, minuteMs, issued);
    const verified = ev('otp.verified', t0 + 2.5 * minuteMs, { otpId: 'o-any' });
    expect(rule.evaluate({ events: sorted([...codes, verified]) }, s)).toEqual([]);
    const login = ev('login.succeeded', t0 + 2.5 * minuteMs);
    expect(rule.evaluate({ events: sorted([...codes, login]) }, s)).toEqual([]);
  });

  it('a success after the last code does not excuse the burst', () => {
    const codes = every(5, t0, minuteMs, issued);
    const [hit] = rule.evaluate({ events: sorted([...codes, ev('otp.verified', t0 + 6 * minuteMs)]) }, s);
    expect(ids(hit!.evidence)).toEqual(ids(codes));
  });

  it('a long burst is one hit, not one per sliding window', () => {
    const codes = every(18, t0, 30_000, issued);
    const hits = rule.evaluate({ events: codes }, s);
    expect(hits).toHaveLength(1);
    expect(hits[0]!.evidence).toHaveLength(18);
  });
});

describe('otp_guessing', () => {
  const rule = rules.otp_guessing;
  const s = defaults.otp_guessing;
  const wrong = (at: number, otpId = 'o1', reason = 'incorrect') =>
    ev('otp.failed', at, { otpId, reason, channel: 'sms', purpose: 'login' });

  it('5 wrong codes within 10 min are a hit', () => {
    const tries = every(5, t0, 2 * minuteMs, (at) => wrong(at));
    const [hit] = rule.evaluate({ events: tries }, s);
    expect(ids(hit!.evidence)).toEqual(ids(tries));
  });

  it('4 wrong codes are under the threshold; expired codes do not count', () => {
    expect(rule.evaluate({ events: every(4, t0, minuteMs, (at) => wrong(at)) }, s)).toEqual([]);
    const expired = every(6, t0, minuteMs, (at) => wrong(at, `o${at}`, 'expired'));
    expect(rule.evaluate({ events: expired }, s)).toEqual([]);
  });

  it('5 wrong codes over just more than 10 min are outside the window', () => {
    expect(rule.evaluate({ events: every(5, t0, 2.5 * minuteMs + 1000, (at) => wrong(at)) }, s)).toEqual([]);
  });

  it('asking for a new code does not reset the budget: failures count across codes', () => {
    const first = every(3, t0, 30_000, (at) => wrong(at, 'code-1'));
    const resend = ev('otp.issued', t0 + 2 * minuteMs, { otpId: 'code-2' });
    const second = every(2, t0 + 3 * minuteMs, 30_000, (at) => wrong(at, 'code-2'));
    const [hit] = rule.evaluate({ events: sorted([...first, resend, ...second]) }, s);
    expect(ids(hit!.evidence)).toEqual(ids([...first, ...second]));
    expect(hit!.details).toMatchObject({ failures: 5, codes: 2 });
  });

  it('typos on a code that was then verified do not count: a customer with the code in hand', () => {
    const burnt = every(4, t0, 20_000, (at) => wrong(at, 'code-1'));
    const slips = every(2, t0 + 2 * minuteMs, 20_000, (at) => wrong(at, 'code-2'));
    const verified = ev('otp.verified', t0 + 3 * minuteMs, { otpId: 'code-2' });
    expect(rule.evaluate({ events: sorted([...burnt, ...slips, verified]) }, s)).toEqual([]);
    // Without the verification it is 6 wrong codes across two codes.
    expect(rule.evaluate({ events: sorted([...burnt, ...slips]) }, s)).toHaveLength(1);
  });
});

describe('password_bruteforce', () => {
  const rule = rules.password_bruteforce;
  const s = defaults.password_bruteforce;
  const failed = (at: number, reason = 'bad_password') => ev('login.failed', at, { reason });

  it('10 wrong passwords within 15 min are a hit', () => {
    const tries = every(10, t0, 90_000, (at) => failed(at));
    expect(ids(rule.evaluate({ events: tries }, s)[0]!.evidence)).toEqual(ids(tries));
  });

  it('9 are under the threshold, and other failure reasons do not count', () => {
    expect(rule.evaluate({ events: every(9, t0, 60_000, (at) => failed(at)) }, s)).toEqual([]);
    const mixed = [...every(9, t0, 60_000, (at) => failed(at)), failed(t0 + 9.5 * minuteMs, 'otp_failed')];
    expect(rule.evaluate({ events: mixed }, s)).toEqual([]);
  });

  it('10 over just more than 15 min are outside the window', () => {
    expect(rule.evaluate({ events: every(10, t0, (15 * minuteMs) / 9 + 1000, (at) => failed(at)) }, s)).toEqual([]);
  });
});

describe('credential_stuffing', () => {
  const rule = rules.credential_stuffing;
  const s = defaults.credential_stuffing;
  const failed = (at: number, i: number) =>
    ev('login.failed', at, { reason: 'bad_password', accountId: `acc-${i}`, account: `cus_${i}` });

  it('failures against 20 distinct accounts within 10 min are a hit listing the accounts', () => {
    const tries = every(20, t0, 30_000, failed);
    const [hit] = rule.evaluate({ events: tries }, s);
    expect(ids(hit!.evidence)).toEqual(ids(tries));
    expect(hit!.details).toMatchObject({ accountCount: 20 });
    expect(hit!.details.accounts).toEqual(tries.map((e) => e.account));
  });

  it('19 distinct accounts are under the threshold, however many failures', () => {
    const tries = every(40, t0, 10_000, (at, i) => failed(at, i % 19));
    expect(rule.evaluate({ events: tries }, s)).toEqual([]);
  });

  it('20 accounts over just more than 10 min are outside the window', () => {
    expect(rule.evaluate({ events: every(20, t0, (10 * minuteMs) / 19 + 1000, failed) }, s)).toEqual([]);
  });
});

describe('new_device_new_country', () => {
  const rule = rules.new_device_new_country;
  const s = defaults.new_device_new_country;
  const login = (at: number, deviceId: string, country: string) => ev('login.succeeded', at, { deviceId, country });
  const firstEventAt = t0 - 60 * dayMs;
  const home = [login(t0 - 30 * dayMs, 'dev_home', 'GB'), login(t0 - 2 * dayMs, 'dev_home', 'GB')];
  // Only hits on the login under test (the first login of a history is itself "new"; the runner keeps only hits on new events).
  const hitsOn = (events: DetectionEvent[], firstAt: number) => {
    const target = events.at(-1)!;
    return rule.evaluate({ events, accountFirstEventAt: firstAt }, s).filter((h) => h.evidence.includes(target));
  };

  it('a login from a new device in a new country is a hit naming that login', () => {
    const away = login(t0, 'dev_new', 'BR');
    const [hit, ...rest] = hitsOn([...home, away], firstEventAt);
    expect(rest).toEqual([]);
    expect(ids(hit!.evidence)).toEqual([away.eventId]);
    expect(hit!.details).toMatchObject({ deviceId: 'dev_new', country: 'BR' });
  });

  it('a new device at home, or a known device abroad, is not', () => {
    expect(hitsOn([...home, login(t0, 'dev_new', 'GB')], firstEventAt)).toEqual([]);
    expect(hitsOn([...home, login(t0, 'dev_home', 'BR')], firstEventAt)).toEqual([]);
  });

  it('a device and country last seen more than 90 days ago count as new', () => {
    const old = [login(t0 - 91 * dayMs, 'dev_old', 'BR'), login(t0 - 10 * dayMs, 'dev_home', 'GB')];
    expect(hitsOn([...old, login(t0, 'dev_old', 'BR')], t0 - 100 * dayMs)).toHaveLength(1);
    const recent = [login(t0 - 89 * dayMs, 'dev_old', 'BR'), login(t0 - 10 * dayMs, 'dev_home', 'GB')];
    expect(hitsOn([...recent, login(t0, 'dev_old', 'BR')], t0 - 100 * dayMs)).toEqual([]);
  });

  it('a verified code vouches for its device; the login’s own 2FA code does not', () => {
    const earlier = ev('otp.verified', t0 - 3 * dayMs, { deviceId: 'dev_new', country: 'BR', purpose: 'delivery' });
    expect(hitsOn([...home, earlier, login(t0, 'dev_new', 'BR')], firstEventAt)).toEqual([]);
    const ownCode = ev('otp.verified', t0 - 30_000, { deviceId: 'dev_new', country: 'BR', purpose: 'login' });
    expect(hitsOn([...home, ownCode, login(t0, 'dev_new', 'BR')], firstEventAt)).toHaveLength(1);
  });

  it('accounts younger than 7 days are left out; failed tries from the device do not vouch for it', () => {
    expect(hitsOn([...home.slice(1), login(t0, 'dev_new', 'BR')], t0 - 6 * dayMs)).toEqual([]);
    const tries = ev('login.failed', t0 - 60_000, { deviceId: 'dev_new', country: 'BR', reason: 'bad_password' });
    expect(hitsOn([...home, tries, login(t0, 'dev_new', 'BR')], firstEventAt)).toHaveLength(1);
  });
});

describe('impossible_travel', () => {
  const rule = rules.impossible_travel;
  const s = defaults.impossible_travel;
  const login = (at: number, country: string) => ev('login.succeeded', at, { country });

  it('London then São Paulo an hour later is a hit naming both logins', () => {
    const pair = [login(t0, 'GB'), login(t0 + 60 * minuteMs, 'BR')];
    const [hit] = rule.evaluate({ events: pair }, s);
    expect(ids(hit!.evidence)).toEqual(ids(pair));
    expect(hit!.details).toMatchObject({ from: 'GB', to: 'BR', minutes: 60 });
    expect(hit!.details.distanceKm).toBe(8673);
  });

  it('the same trip with enough hours between is not', () => {
    // GB–BR centres are about 8,700 km apart: 900 km/h needs about 9.6 h.
    expect(rule.evaluate({ events: [login(t0, 'GB'), login(t0 + 11 * 60 * minuteMs, 'BR')] }, s)).toEqual([]);
  });

  it('neighbours under 500 km apart are ignored, however fast', () => {
    expect(rule.evaluate({ events: [login(t0, 'BE'), login(t0 + 60_000, 'NL')] }, s)).toEqual([]);
  });

  it('a chain of hops each under 500 km is judged by its ends: Amsterdam, Berlin, Prague, Warsaw in half an hour is one hit', () => {
    // NL–DE 279 km, DE–CZ 481 km, CZ–PL 403 km: no hop is judged alone; NL–CZ is 745 km in 20 min.
    const chain = [
      login(t0, 'NL'),
      login(t0 + 10 * minuteMs, 'DE'),
      login(t0 + 20 * minuteMs, 'CZ'),
      login(t0 + 30 * minuteMs, 'PL'),
    ];
    const hits = rule.evaluate({ events: chain }, s);
    expect(hits).toHaveLength(1);
    expect(ids(hits[0]!.evidence)).toEqual(ids([chain[0]!, chain[2]!]));
    expect(hits[0]!.details).toMatchObject({ from: 'NL', via: ['DE'], to: 'CZ', distanceKm: 745, minutes: 20 });
  });

  it('the same chain at a plausible pace is not a hit, nor is coming back to the same country', () => {
    const slow = [
      login(t0, 'NL'),
      login(t0 + 3 * 60 * minuteMs, 'DE'),
      login(t0 + 6 * 60 * minuteMs, 'CZ'),
      login(t0 + 9 * 60 * minuteMs, 'PL'),
    ];
    expect(rule.evaluate({ events: slow }, s)).toEqual([]);
    // Belgium–Netherlands–Belgium in minutes: the walk back stops at the first login in the same country.
    expect(
      rule.evaluate({ events: [login(t0, 'BE'), login(t0 + 60_000, 'NL'), login(t0 + 120_000, 'BE')] }, s),
    ).toEqual([]);
  });

  it('a judgeable leg that looks possible does not hide an older one that is not: Amsterdam, Berlin a minute later, Warsaw 52 min after', () => {
    // DE–PL (769 km in 52 min) is possible; NL–DE (279 km) is too short to judge; NL–PL is 970 km in 53 min.
    const events = [login(t0, 'NL'), login(t0 + minuteMs, 'DE'), login(t0 + 53 * minuteMs, 'PL')];
    const hits = rule.evaluate({ events }, s);
    expect(hits.map((h) => h.details)).toEqual([
      { from: 'NL', to: 'PL', via: ['DE'], distanceKm: 970, minutes: 53, speedKmh: 1098 },
    ]);
  });

  it('the evidence is the two ends: a late login in the middle of a reported trip is no new evidence', () => {
    const [nl, de, cz] = [login(t0, 'NL'), login(t0 + 10 * minuteMs, 'DE'), login(t0 + 20 * minuteMs, 'CZ')];
    const [hit, ...rest] = rule.evaluate({ events: [nl, de, cz] }, s);
    expect(rest).toEqual([]);
    expect(ids(hit!.evidence)).toEqual(ids([nl, cz]));
    expect(hit!.details.via).toEqual(['DE']);
  });

  it('one trip is one hit: logins near where the impossible trip ended are not reported again', () => {
    // London, then Poland 20 min later (a hit), then Prague, a short hop from Warsaw: London–Prague is also
    // too fast, but it is the same trip, so it is not reported again.
    const events = [login(t0, 'GB'), login(t0 + 20 * minuteMs, 'PL'), login(t0 + 30 * minuteMs, 'CZ')];
    const hits = rule.evaluate({ events }, s);
    expect(hits.map((h) => [h.details.from, h.details.to])).toEqual([['GB', 'PL']]);
  });

  it('failed logins and unknown country codes are not travel', () => {
    expect(
      rule.evaluate(
        { events: [login(t0, 'GB'), ev('login.failed', t0 + 60_000, { country: 'BR', reason: 'bad_password' })] },
        s,
      ),
    ).toEqual([]);
    expect(rule.evaluate({ events: [login(t0, 'GB'), login(t0 + 60_000, 'XX')] }, s)).toEqual([]);
  });
});

describe('contact_change_then_risk', () => {
  const rule = rules.contact_change_then_risk;
  const s = defaults.contact_change_then_risk;
  const change = ev('account.contact_changed', t0, { field: 'phone' });

  it.each([
    ['2FA turned off', ev('account.2fa_changed', t0 + 23 * 60 * minuteMs, { enabled: false }), '2fa_disabled'],
    ['a password change', ev('account.password_changed', t0 + 60_000), 'password_changed'],
    ['a transaction code', ev('otp.issued', t0 + 60_000, { purpose: 'transaction', otpId: 'p1' }), 'transaction_otp'],
  ])('a contact change followed within 24 h by %s is a hit naming both', (_, risk, label) => {
    const [hit] = rule.evaluate({ events: [change, risk] }, s);
    expect(ids(hit!.evidence)).toEqual([change.eventId, risk.eventId]);
    expect(hit!.details).toMatchObject({ field: 'phone', followedBy: [label] });
  });

  it('2FA turned on, a login code, or a risk after 24 h is not', () => {
    const harmless = [
      ev('account.2fa_changed', t0 + 60_000, { enabled: true }),
      ev('otp.issued', t0 + 60_000, { purpose: 'login' }),
      ev('account.password_changed', t0 + dayMs + 1000),
    ];
    expect(rule.evaluate({ events: [change, ...harmless] }, s)).toEqual([]);
  });

  it('a transaction code counts only from a device the account had not used before the change', () => {
    const history = [ev('login.succeeded', t0 - 5 * dayMs, { deviceId: 'dev_own' })];
    const ownPhone = ev('otp.issued', t0 + 60 * minuteMs, { purpose: 'transaction', deviceId: 'dev_own' });
    expect(rule.evaluate({ events: [...history, change, ownPhone] }, s)).toEqual([]);
    const stranger = ev('otp.issued', t0 + 60 * minuteMs, { purpose: 'transaction', deviceId: 'dev_swapper' });
    expect(rule.evaluate({ events: [...history, change, stranger] }, s)).toHaveLength(1);
    // Turning 2FA off counts from any device.
    const off = ev('account.2fa_changed', t0 + 60 * minuteMs, { enabled: false, deviceId: 'dev_own' });
    expect(rule.evaluate({ events: [...history, change, off] }, s)).toHaveLength(1);
  });

  it('a risk before the change is not', () => {
    expect(rule.evaluate({ events: [ev('account.password_changed', t0 - 60_000), change] }, s)).toEqual([]);
  });
});
