import { BlockList, isIP } from 'node:net';

/** Parses VIGIL_TRUSTED_PROXIES: IPs or CIDRs, comma-separated. */
export function trustedProxyList(source: string): BlockList {
  const list = new BlockList();
  for (const entry of source
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean)) {
    const [address, bits] = entry.split('/');
    if (!address || !isIP(address)) continue;
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (bits) list.addSubnet(address, Number(bits), type);
    else list.addAddress(address, type);
  }
  return list;
}

export const normaliseIp = (ip: string) => ip.trim().replace(/^::ffff:/, '');

export function isTrustedProxy(list: BlockList, ip: string): boolean {
  const address = normaliseIp(ip);
  const version = isIP(address);
  return version !== 0 && list.check(address, version === 6 ? 'ipv6' : 'ipv4');
}

/**
 * The X-Forwarded-For the application sees, set by Vigil's own HTTP server from the connection: a request
 * from a trusted proxy keeps the chain it brought, with the proxy appended; any other request gets exactly
 * its peer's address, whatever it claimed (a client cannot pick its own IP to dodge the per-IP limits).
 */
export function forwardedFor(
  claimed: string | string[] | undefined,
  peer: string | undefined,
  trusted: BlockList,
): string | undefined {
  if (!peer) return undefined;
  const address = normaliseIp(peer);
  if (!isTrustedProxy(trusted, address)) return address;
  const chain = (Array.isArray(claimed) ? claimed.join(',') : (claimed ?? '')).trim();
  return chain ? `${chain}, ${address}` : address;
}

/**
 * Said loudly at start: a server listening beyond loopback (behind a load balancer, say) with no trusted proxies
 * sees every request as coming from the balancer, so all customers share one per-IP budget. Null when there is
 * nothing to say.
 */
export function trustedProxiesWarning(host: string, trustedProxies: string): string | null {
  const local = ['localhost', '127.0.0.1', '::1'].includes(host);
  if (local || trustedProxies.trim() !== '') return null;
  return (
    'VIGIL_TRUSTED_PROXIES is not set while Vigil listens on ' +
    `${host}: behind a load balancer or reverse proxy every client looks like the proxy, so all customers ` +
    'share one per-IP limit (report filing, status lookups, staff sign-in). List your proxies in VIGIL_TRUSTED_PROXIES.'
  );
}
