import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { isIP } from 'node:net';
import { normaliseIp } from './forwarded-for';

/*
 * Whether a request came straight from this machine, with no proxy in between (GET /metrics answers such
 * scrapes when VIGIL_METRICS_TOKEN is unset). Only Vigil's own HTTP server (scripts/http-server.ts) sees the
 * connection, so it marks those requests with a header whose value is a random secret of this process,
 * after removing any copy a client sent. A client cannot forge it, and under `next dev` or `next start`
 * nothing marks requests, so none counts as loopback there. The secret sits on globalThis: the server and
 * the route bundle that checks it are different module instances of one process.
 */

export const loopbackPeerHeader = 'x-vigil-loopback-peer';

const globalForPeer = globalThis as unknown as { vigilLoopbackSecret?: string };

export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const ip = normaliseIp(address);
  return ip === '::1' || (isIP(ip) === 4 && ip.startsWith('127.'));
}

/**
 * Marks a node request whose peer is a loopback address and which brought no X-Forwarded-For (a proxy on
 * this machine forwards someone else's request), and strips a client-sent marker. Call it before the
 * X-Forwarded-For header is rewritten from the connection.
 */
export function markLoopbackPeer(headers: IncomingHttpHeaders, peer: string | undefined): void {
  delete headers[loopbackPeerHeader];
  if (headers['x-forwarded-for'] === undefined && isLoopbackAddress(peer)) {
    headers[loopbackPeerHeader] = globalForPeer.vigilLoopbackSecret ??= randomBytes(32).toString('base64url');
  }
}

const digest = (value: string) => createHash('sha256').update(value).digest();

/** True only for a request marked by markLoopbackPeer in this process. */
export function cameFromLoopbackPeer(headers: Headers): boolean {
  const secret = globalForPeer.vigilLoopbackSecret;
  const sent = headers.get(loopbackPeerHeader);
  return secret !== undefined && sent !== null && timingSafeEqual(digest(sent), digest(secret));
}
