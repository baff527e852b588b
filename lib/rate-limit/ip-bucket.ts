import { isIPv6 } from 'node:net';

/**
 * The rate-limit bucket of a client address: an IPv4 address as it is, an IPv6 address by its /64 (one
 * household or server is given a whole /64, so counting single addresses would let it rotate past any limit).
 */
export function ipBucket(ip: string | null): string {
  if (!ip) return 'unknown';
  if (!isIPv6(ip)) return ip;
  const [head = '', tail = ''] = ip.toLowerCase().split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = ip.includes('::')
    ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}
