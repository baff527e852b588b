import { afterEach, describe, expect, it, vi } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import { clientIp } from './client-ip';

const request = (xff?: string) => new Headers(xff ? { 'x-forwarded-for': xff } : {});

describe('client IP', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    resetEnvForTests();
  });

  it('is the address Next put there when no proxy is trusted', () => {
    expect(clientIp(request('203.0.113.5'))).toBe('203.0.113.5');
    expect(clientIp(request('::ffff:198.51.100.4'))).toBe('198.51.100.4');
    expect(clientIp(request())).toBeNull();
  });

  it('behind trusted proxies, the first address from the right that they did not add', () => {
    vi.stubEnv('VIGIL_TRUSTED_PROXIES', '10.0.0.0/8, 192.0.2.1');
    resetEnvForTests();
    expect(clientIp(request('203.0.113.9, 198.51.100.7, 192.0.2.1, 10.1.2.3'))).toBe('198.51.100.7');
    expect(clientIp(request('203.0.113.9, 10.1.2.3'))).toBe('203.0.113.9');
  });
});
