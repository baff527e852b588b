import { describe, expect, it, vi } from 'vitest';
import { otpEvent } from '@/lib/testing/fixtures';
import { phonePrefix } from './phone-prefix';
import { destinationsOf } from './store-events';

vi.mock('./phone-prefix', async (importOriginal) => {
  const real = await importOriginal<typeof import('./phone-prefix')>();
  return { ...real, phonePrefix: vi.fn(real.phonePrefix) };
});

describe("a batch's code destinations (destinationsOf)", () => {
  it("go to the event's phone, else the account's; each number is parsed once per batch", () => {
    const at = new Date('2026-07-09T10:00:00Z');
    const onEvent = { id: 'cus_dest_a', phone: '+2348031234567' };
    const stored = { id: 'cus_dest_b' };
    const sms = (type: 'otp.issued' | 'otp.delivered' | 'otp.verified') =>
      otpEvent(onEvent, 'otp_dest_1', at, { type, channel: 'sms' });
    const events = [
      sms('otp.issued'),
      sms('otp.delivered'),
      sms('otp.verified'),
      otpEvent(stored, 'otp_dest_2', at, { channel: 'voice' }),
      otpEvent(stored, 'otp_dest_3', at, { channel: 'voice', type: 'otp.verified' }),
      otpEvent(onEvent, 'otp_dest_4', at, { channel: 'email' }),
      otpEvent({ id: 'cus_dest_no_phone' }, 'otp_dest_5', at, { channel: 'sms' }),
    ];
    vi.mocked(phonePrefix).mockClear();

    const destinations = destinationsOf(events, new Map([['cus_dest_b', '+14155550123']]));

    const nigeria = { number: '+2348031234567', at: { countryCode: '234', prefix: '+234803123' } };
    const us = { number: '+14155550123', at: { countryCode: '1', prefix: '+1415555' } };
    expect(destinations).toEqual(
      new Map([
        [events[0]!.id, nigeria],
        [events[1]!.id, nigeria],
        [events[2]!.id, nigeria],
        [events[3]!.id, us],
        [events[4]!.id, us],
      ]),
    );
    // Two numbers, five codes' events: two parses.
    expect(vi.mocked(phonePrefix).mock.calls.map(([number]) => number)).toEqual(['+2348031234567', '+14155550123']);
  });
});
