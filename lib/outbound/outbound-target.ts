import dns from 'node:dns';
import { BlockList, isIP } from 'node:net';
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import { env } from '@/lib/env';

/*
 * Where Vigil may send data on its own (webhooks today; notification channels and stream destinations use the
 * same rule): https only, and never to loopback, private, link-local, CGNAT or cloud-metadata addresses — checked
 * when a target is saved and again when each connection is made, after DNS resolution, so a name that later
 * resolves inward (DNS rebinding) is refused too. Redirects are never followed. Hosts and CIDRs an operator lists
 * in VIGIL_ALLOW_PRIVATE_TARGETS are allowed, over http too (local receivers in tests and development).
 */

const forbidden = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, including 169.254.169.254 (cloud metadata)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  forbidden.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local, including fd00:ec2::254 (cloud metadata)
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b::', 96], // NAT64 maps IPv4 inside
] as const) {
  forbidden.addSubnet(net, prefix, 'ipv6');
}

/** The operator's exceptions: host names, addresses and CIDRs from VIGIL_ALLOW_PRIVATE_TARGETS. */
function allowList(): { hosts: Set<string>; nets: BlockList } {
  const hosts = new Set<string>();
  const nets = new BlockList();
  for (const raw of env().VIGIL_ALLOW_PRIVATE_TARGETS.split(',')) {
    const item = raw
      .trim()
      .toLowerCase()
      .replace(/^\[|\]$/g, '');
    if (!item) continue;
    const [address, prefix] = item.split('/');
    const family = isIP(address ?? '');
    if (family && prefix) nets.addSubnet(address!, Number(prefix), family === 4 ? 'ipv4' : 'ipv6');
    else if (family) nets.addAddress(address!, family === 4 ? 'ipv4' : 'ipv6');
    else hosts.add(item);
  }
  return { hosts, nets };
}

const unbracket = (host: string) => host.toLowerCase().replace(/^\[|\]$/g, '');

/** Whether an address is one Vigil never connects to on its own (unless allowed). */
export function isForbiddenAddress(address: string): boolean {
  const ip = unbracket(address);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1];
  if (mapped) return isForbiddenAddress(mapped);
  const family = isIP(ip);
  if (family === 0) return true;
  return forbidden.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

function allowedByOperator(host: string, address?: string): boolean {
  const { hosts, nets } = allowList();
  if (hosts.has(unbracket(host))) return true;
  const ip = unbracket(address ?? host);
  const family = isIP(ip);
  return family !== 0 && nets.check(ip, family === 4 ? 'ipv4' : 'ipv6');
}

/** Why a URL may not be a target, for the form that saves it; null when it may. */
export function targetProblem(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return 'Enter a full URL starting with https://';
  }
  const host = url.hostname;
  if (allowedByOperator(host)) return url.protocol === 'https:' || url.protocol === 'http:' ? null : 'Use https://';
  if (url.protocol !== 'https:') return 'Use https:// (Vigil sends security events only over TLS)';
  if (isIP(unbracket(host)) !== 0 && isForbiddenAddress(host)) {
    return 'This address is private, loopback, link-local or a cloud metadata address: Vigil does not send there';
  }
  if (
    ['localhost', 'localhost.localdomain'].includes(host.toLowerCase()) ||
    host.toLowerCase().endsWith('.localhost')
  ) {
    return 'This host is this machine: Vigil does not send there';
  }
  return null;
}

export class ForbiddenTargetError extends Error {
  override name = 'ForbiddenTargetError';
}

/** Why an outbound request failed, in one line for a delivery log: refused, timed out, or the network's reason. */
export function describeOutboundError(error: unknown, timeoutMs: number): string {
  if (error instanceof ForbiddenTargetError) return `refused: ${error.message}`;
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError'))
    return `timed out after ${timeoutMs} ms`;
  const cause = (error as { cause?: unknown }).cause;
  if (cause instanceof Error) return `${(cause as { code?: string }).code ?? cause.name}: ${cause.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** DNS lookup that refuses forbidden answers: the check happens at connect time, on the address really used. */
export function guardedLookup(
  hostname: string,
  options: dns.LookupOptions,
  callback: (error: Error | null, address?: string | dns.LookupAddress[], family?: number) => void,
): void {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error);
    const list = addresses;
    const refused = list.find((a) => isForbiddenAddress(a.address) && !allowedByOperator(hostname, a.address));
    if (refused) {
      return callback(
        new ForbiddenTargetError(`${hostname} resolves to ${refused.address}, which Vigil does not send to`),
      );
    }
    if (options.all) return callback(null, list);
    return callback(null, list[0]!.address, list[0]!.family);
  });
}

const agent = new Agent({ connect: { lookup: guardedLookup as never } });

/**
 * Sends a request to an outbound target under the rule above: the URL is checked as at save time, every
 * connection's address after DNS, and a redirect is answered as what it is (never followed). Answers the status;
 * the body is not read.
 */
export async function outboundRequest(url: string, init: UndiciRequestInit): Promise<{ status: number }> {
  const problem = targetProblem(url);
  if (problem) throw new ForbiddenTargetError(problem);
  const host = new URL(url).hostname;
  if (isIP(unbracket(host)) !== 0 && isForbiddenAddress(host) && !allowedByOperator(host)) {
    throw new ForbiddenTargetError(`${host} is not an address Vigil sends to`);
  }
  const response = await undiciFetch(url, { ...init, redirect: 'manual', dispatcher: agent }).catch(
    (error: unknown) => {
      // undici reports a refused lookup as "fetch failed" with the reason as its cause.
      const cause = (error as { cause?: unknown }).cause;
      throw cause instanceof ForbiddenTargetError ? cause : error;
    },
  );
  await response.body?.cancel().catch(() => undefined);
  return { status: response.status };
}
