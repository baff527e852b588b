import { describe, expect, it } from 'vitest';
import { ruleBit, workFor, workFromJson, workToJson, type NewEvent, type StoredWork } from './work';

const at = '2026-06-01T12:00:00.000Z';
let n = 0;
const ev = (type: NewEvent['type'], extra: Partial<NewEvent> = {}): NewEvent => ({
  eventId: `e${(n += 1)}`,
  accountId: 'acc-1',
  occurredAt: at,
  type,
  ip: '198.51.100.9',
  ...extra,
});
const bits = (...rules: Parameters<typeof ruleBit>[0][]) => rules.reduce((set, r) => set | ruleBit(r), 0);

describe('detection work of a batch', () => {
  it('events no rule can use as evidence give detection nothing to do', () => {
    const work = workFor([
      ev('otp.verified', { purpose: 'login' }),
      ev('account.2fa_changed', { enabled: true }),
      ev('otp.failed', { reason: 'expired', purpose: 'login' }),
      ev('otp.failed', { reason: 'max_attempts', purpose: 'login' }),
      ev('otp.delivery_failed', { purpose: 'login' }),
      ev('otp.issued', { purpose: 'login', accountId: 'acc-2' }),
    ]);
    // Only acc-2's issued code can be evidence (of a burst).
    expect([...work.accounts.keys()]).toEqual(['acc-2']);
    expect(work.accounts.get('acc-2')!.rules).toBe(bits('unrequested_otp_burst'));
    expect(work.ips.size).toBe(0);
  });

  it('each subject carries the rules its new events could trigger, and only those', () => {
    const work = workFor([
      ev('login.succeeded'),
      ev('login.failed', { reason: 'bad_password' }),
      ev('otp.issued', { purpose: 'transaction', accountId: 'acc-2' }),
      ev('otp.failed', { reason: 'incorrect', purpose: 'login', accountId: 'acc-2' }),
      ev('account.2fa_changed', { enabled: false, accountId: 'acc-3' }),
      ev('login.failed', { reason: 'unknown_account', accountId: 'acc-4', ip: '203.0.113.4' }),
    ]);
    expect(work.accounts.get('acc-1')!.rules).toBe(
      bits('new_device_new_country', 'impossible_travel', 'password_bruteforce'),
    );
    expect(work.accounts.get('acc-2')!.rules).toBe(
      bits('unrequested_otp_burst', 'contact_change_then_risk', 'otp_guessing'),
    );
    expect(work.accounts.get('acc-3')!.rules).toBe(bits('contact_change_then_risk'));
    // A failed login for another reason is no account's brute force, but it is the IP's stuffing.
    expect(work.accounts.has('acc-4')).toBe(false);
    expect(work.ips.get('203.0.113.4')!.rules).toBe(bits('credential_stuffing'));
    expect(work.ips.get('198.51.100.9')!.rules).toBe(bits('credential_stuffing'));
  });

  it('an SMS or voice code with a known destination makes its country a subject of the pumping rule; e-mail codes do not', () => {
    const at = { at: { countryCode: '234', prefix: '+234803123' } };
    const work = workFor([
      ev('otp.issued', { channel: 'sms', destination: at, eventId: 'e-sms' }),
      ev('otp.issued', { channel: 'voice', destination: at, eventId: 'e-voice' }),
      ev('otp.issued', { channel: 'email', eventId: 'e-mail' }),
      ev('otp.issued', { channel: 'sms', destination: { at: null }, eventId: 'e-unknown-country' }),
    ]);
    expect([...work.countries.keys()]).toEqual(['234']);
    expect(work.countries.get('234')!.rules).toBe(bits('sms_pumping'));
    expect([...work.countries.get('234')!.newEventIds]).toEqual(['e-sms', 'e-voice']);
    expect(workFromJson(JSON.parse(JSON.stringify(workToJson(work))) as StoredWork)).toEqual(work);
  });

  it('the rules survive the backlog, and work stored before they existed runs every rule', () => {
    const work = workFor([ev('login.succeeded'), ev('login.failed', { reason: 'bad_password', accountId: 'acc-2' })]);
    const stored = JSON.parse(JSON.stringify(workToJson(work))) as StoredWork;
    expect(workFromJson(stored)).toEqual(work);
    // The history flag is still written for servers that read only it: login.succeeded needs history, a wrong password not.
    expect(stored.a.map((s) => s[3])).toEqual([1, 0]);
    // Work stored before countries were subjects has no `c`, and reads as none.
    const old = workFromJson({ a: [['acc-9', 1, 2, 1, ['x']]], i: [] });
    expect(old.countries.size).toBe(0);
    // Every rule's bit: the runner picks those of the subject's kind, so the prefix rule's bit never runs on an account.
    expect(old.accounts.get('acc-9')!.rules).toBe(
      bits(
        'unrequested_otp_burst',
        'otp_guessing',
        'password_bruteforce',
        'credential_stuffing',
        'new_device_new_country',
        'impossible_travel',
        'contact_change_then_risk',
        'sms_pumping',
      ),
    );
  });
});
