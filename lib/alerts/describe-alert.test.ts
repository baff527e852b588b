import { describe, expect, it } from 'vitest';
import { describeAlert } from './describe-alert';

describe('alert descriptions', () => {
  it('say what each rule found, from its details', () => {
    expect(describeAlert('unrequested_otp_burst', { issued: 18, channels: ['sms'], ips: ['45.155.205.3'] })).toBe(
      '18 codes issued (SMS) with none used from 45.155.205.3',
    );
    expect(describeAlert('otp_guessing', { failures: 11, codes: 3, ips: [] })).toBe('11 wrong codes across 3 codes');
    expect(describeAlert('credential_stuffing', { accountCount: 40, failures: 40 })).toBe(
      'Failed logins against 40 accounts (40 attempts)',
    );
    expect(describeAlert('impossible_travel', { from: 'JP', to: 'US', minutes: 40, distanceKm: 10032 })).toBe(
      'Japan → United States in 40 min (10,032 km apart)',
    );
    expect(
      describeAlert('impossible_travel', { from: 'NL', via: ['DE', 'CZ'], to: 'PL', minutes: 30, distanceKm: 970 }),
    ).toBe('Netherlands → Germany → Czechia → Poland in 30 min (970 km apart)');
    expect(
      describeAlert('contact_change_then_risk', { field: 'phone', followedBy: ['2fa_disabled', 'transaction_otp'] }),
    ).toBe('Phone changed, then 2FA turned off and a transaction code');
  });
});
