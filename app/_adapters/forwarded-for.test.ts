import { describe, expect, it } from 'vitest';
import { forwardedFor, trustedProxiesWarning, trustedProxyList } from './forwarded-for';

describe('X-Forwarded-For from the connection', () => {
  const none = trustedProxyList('');
  const proxies = trustedProxyList('10.0.0.0/8, 192.0.2.1, 2001:db8::/32');

  it('a client that is not a trusted proxy gets its own address, whatever it claimed', () => {
    expect(forwardedFor('1.2.3.4', '203.0.113.9', none)).toBe('203.0.113.9');
    expect(forwardedFor(undefined, '::ffff:203.0.113.9', none)).toBe('203.0.113.9');
    expect(forwardedFor('1.2.3.4', '203.0.113.9', proxies)).toBe('203.0.113.9');
  });

  it('a trusted proxy keeps the chain it brought, with itself appended', () => {
    expect(forwardedFor('198.51.100.7', '10.1.2.3', proxies)).toBe('198.51.100.7, 10.1.2.3');
    expect(forwardedFor(['198.51.100.7', '192.0.2.1'], '2001:db8::5', proxies)).toBe(
      '198.51.100.7,192.0.2.1, 2001:db8::5',
    );
    expect(forwardedFor(undefined, '10.1.2.3', proxies)).toBe('10.1.2.3');
  });
});

describe('the trusted-proxies warning at start', () => {
  it('speaks when Vigil listens beyond loopback with no trusted proxies, and only then', () => {
    expect(trustedProxiesWarning('0.0.0.0', '')).toContain('VIGIL_TRUSTED_PROXIES is not set');
    expect(trustedProxiesWarning('0.0.0.0', '10.0.0.0/8')).toBeNull();
    expect(trustedProxiesWarning('localhost', '')).toBeNull();
    expect(trustedProxiesWarning('127.0.0.1', '')).toBeNull();
  });
});
