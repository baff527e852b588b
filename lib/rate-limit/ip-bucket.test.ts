import { describe, expect, it } from 'vitest';
import { ipBucket } from './ip-bucket';

describe('rate-limit bucket of a client address', () => {
  it('IPv4 as it is; unknown when there is none', () => {
    expect(ipBucket('203.0.113.7')).toBe('203.0.113.7');
    expect(ipBucket(null)).toBe('unknown');
  });

  it('IPv6 by its /64, however it is written', () => {
    const bucket = '2001:db8:1:2::/64';
    expect(ipBucket('2001:db8:1:2::1')).toBe(bucket);
    expect(ipBucket('2001:0db8:0001:0002:ffff:ffff:ffff:ffff')).toBe(bucket);
    expect(ipBucket('2001:DB8:1:2:0:0:0:9')).toBe(bucket);
    expect(ipBucket('2001:db8:1:3::1')).not.toBe(bucket);
    expect(ipBucket('::1')).toBe('0:0:0:0::/64');
    expect(ipBucket('2001:db8::')).toBe('2001:db8:0:0::/64');
  });
});
