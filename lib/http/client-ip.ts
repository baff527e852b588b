import { BlockList, isIP } from 'node:net';
import { env } from '@/lib/env';

let cached: { source: string; list: BlockList } | undefined;

function trustedProxies(): BlockList {
  const source = env().VIGIL_TRUSTED_PROXIES;
  if (cached?.source === source) return cached.list;
  const list = new BlockList();
  for (const entry of source.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [address, bits] = entry.split('/');
    const type = isIP(address ?? '') === 6 ? 'ipv6' : 'ipv4';
    if (!address || !isIP(address)) continue;
    if (bits) list.addSubnet(address, Number(bits), type);
    else list.addAddress(address, type);
  }
  cached = { source, list };
  return list;
}

const isTrusted = (ip: string) => {
  const version = isIP(ip);
  return version !== 0 && trustedProxies().check(ip, version === 6 ? 'ipv6' : 'ipv4');
};

/**
 * The client's IP. Next's server puts the connection's address in X-Forwarded-For when the request has
 * none; behind proxies listed in VIGIL_TRUSTED_PROXIES, the chain is read from the right, skipping them,
 * and the first address they did not add is the client. Null when there is nothing to go on.
 */
export function clientIp(request: Request): string | null {
  const chain = (request.headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map((s) => s.trim().replace(/^::ffff:/, ''))
    .filter((s) => isIP(s) !== 0);
  for (let i = chain.length - 1; i >= 0; i--) {
    if (i === 0 || !isTrusted(chain[i]!)) return chain[i]!;
  }
  return null;
}
