import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signWebhook, verifyWebhookSignature } from './signature';

const secret = 'whsec_test_secret';
const body = JSON.stringify({ type: 'account.security_changed', accountId: 'acc_1', state: { status: 'locked' } });
const at = new Date('2025-03-01T12:00:00.500Z');

describe('webhook signatures', () => {
  it('signs "<t>.<body>" with HMAC-SHA256 in the documented header format', () => {
    const t = 1740830400; // 2025-03-01T12:00:00Z, seconds rounded down
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signWebhook(secret, body, at)).toBe(`t=${t},v1=${expected}`);
  });

  it('verifies its own signature, within the tolerance either side', () => {
    const header = signWebhook(secret, body, at);
    expect(verifyWebhookSignature(secret, body, header, { now: at })).toEqual({ valid: true, timestamp: 1740830400 });
    expect(verifyWebhookSignature(secret, body, header, { now: new Date(at.getTime() + 299_000) }).valid).toBe(true);
    expect(verifyWebhookSignature(secret, body, header, { now: new Date(at.getTime() - 299_000) }).valid).toBe(true);
  });

  it('refuses a changed body, a changed timestamp and another secret', () => {
    const header = signWebhook(secret, body, at);
    expect(verifyWebhookSignature(secret, body.replace('locked', 'active'), header, { now: at })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature(secret, body, header.replace('t=1740830400', 't=1740830401'), { now: at })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
    expect(verifyWebhookSignature('whsec_other', body, header, { now: at })).toEqual({
      valid: false,
      reason: 'mismatch',
    });
  });

  it('refuses a signature older (or newer) than the tolerance, so a captured request cannot be replayed', () => {
    const header = signWebhook(secret, body, at);
    expect(verifyWebhookSignature(secret, body, header, { now: new Date(at.getTime() + 301_000) })).toEqual({
      valid: false,
      reason: 'expired',
    });
    expect(verifyWebhookSignature(secret, body, header, { now: new Date(at.getTime() - 301_000) })).toEqual({
      valid: false,
      reason: 'expired',
    });
    expect(
      verifyWebhookSignature(secret, body, header, { now: new Date(at.getTime() + 3_600_000), toleranceSeconds: 7200 })
        .valid,
    ).toBe(true);
  });

  it('refuses malformed headers', () => {
    const good = signWebhook(secret, body, at);
    const v1 = good.split('v1=')[1]!;
    for (const header of [
      null,
      undefined,
      '',
      'garbage',
      `v1=${v1}`,
      't=1740830400',
      `t=abc,v1=${v1}`,
      `t=1740830400,v1=${v1.slice(2)}`,
      `t=1740830400,v1=${v1}=x`,
    ]) {
      expect(verifyWebhookSignature(secret, body, header, { now: at })).toEqual({ valid: false, reason: 'malformed' });
    }
  });

  it('accepts any one matching v1 (signing with old and new secret during a rotation) and upper-case hex', () => {
    const header = signWebhook(secret, body, at);
    const other = signWebhook('whsec_old', body, at).split(',')[1]!;
    expect(verifyWebhookSignature(secret, body, `${header},${other}`, { now: at }).valid).toBe(true);
    expect(verifyWebhookSignature(secret, body, `${other},${header}`, { now: at }).valid).toBe(true);
    expect(
      verifyWebhookSignature(secret, body, header.toUpperCase().replace('T=', 't=').replace('V1=', 'v1='), { now: at })
        .valid,
    ).toBe(true);
  });
});
