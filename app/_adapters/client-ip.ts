import type { BlockList } from 'node:net';
import { isIP } from 'node:net';
import { env } from '@/lib/env';
import { isTrustedProxy, normaliseIp, trustedProxyList } from './forwarded-for';

let cached: { source: string; list: BlockList } | undefined;

function trustedProxies(): BlockList {
  const source = env().VIGIL_TRUSTED_PROXIES;
  if (cached?.source !== source) cached = { source, list: trustedProxyList(source) };
  return cached.list;
}

/**
 * The client's IP. Vigil's server (scripts/serve.ts) rewrites X-Forwarded-For from the connection before
 * the application sees a request: the peer's address, preceded by the chain a trusted proxy brought. Read
 * from the right, skipping trusted proxies, the first other address is the client. Null if there is none.
 */
export function clientIp(headers: Pick<Headers, 'get'>): string | null {
  const chain = (headers.get('x-forwarded-for') ?? '')
    .split(',')
    .map(normaliseIp)
    .filter((s) => isIP(s) !== 0);
  for (let i = chain.length - 1; i >= 0; i--) {
    if (i === 0 || !isTrustedProxy(trustedProxies(), chain[i]!)) return chain[i]!;
  }
  return null;
}
