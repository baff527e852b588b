import { createHash, timingSafeEqual } from 'node:crypto';
import { env } from '@/lib/env';

export type ScrapeAccess = 'allowed' | 'unauthorized' | 'forbidden';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Who may read GET /metrics: with VIGIL_METRICS_TOKEN set, exactly the callers that send it as a bearer token
 * (anyone else: unauthorized); unset, only a scrape from this machine that came through no proxy
 * (app/_adapters/loopback-peer.ts; anyone else: forbidden, since no token would help).
 */
export function scrapeAccess(
  caller: { authorization: string | null; loopbackPeer: boolean },
  token: string | undefined = env().VIGIL_METRICS_TOKEN,
): ScrapeAccess {
  if (token !== undefined) {
    const sent = /^Bearer\s+(\S+)\s*$/i.exec(caller.authorization ?? '')?.[1];
    return sent !== undefined && timingSafeEqual(digest(sent), digest(token)) ? 'allowed' : 'unauthorized';
  }
  return caller.loopbackPeer ? 'allowed' : 'forbidden';
}
