import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { resetEnvForTests } from '@/lib/env';
import {
  ForbiddenTargetError,
  guardedLookup,
  isForbiddenAddress,
  outboundRequest,
  targetProblem,
} from './outbound-target';

// A real receiver on this machine: it counts what reaches it, and /redirect points elsewhere.
let hits = 0;
const receiver = http.createServer((req, res) => {
  hits += 1;
  if (req.url === '/redirect') res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
  else res.writeHead(204).end();
});
let port = 0;
beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  port = (receiver.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));
const allow = (value: string) => {
  vi.stubEnv('VIGIL_ALLOW_PRIVATE_TARGETS', value);
  resetEnvForTests();
};
afterEach(() => {
  vi.unstubAllEnvs();
  resetEnvForTests();
});

describe('outbound targets', () => {
  it('refuses loopback, private, link-local, CGNAT and metadata addresses, IPv4 and IPv6', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.9',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fd00:ec2::254',
      'fe80::1',
      '::ffff:127.0.0.1',
    ]) {
      expect(isForbiddenAddress(ip), ip).toBe(true);
    }
    for (const ip of ['93.184.216.34', '2606:2800:220:1::1']) expect(isForbiddenAddress(ip), ip).toBe(false);
  });

  it('at save: https only, no private address or this machine, unless the operator allows the host', () => {
    allow('');
    expect(targetProblem('http://hooks.example.com/x')).toMatch(/https/);
    expect(targetProblem('https://169.254.169.254/latest/meta-data/')).toMatch(/metadata/);
    expect(targetProblem('https://[::1]:8443/hook')).toMatch(/private|loopback/);
    expect(targetProblem('https://localhost/hook')).toMatch(/this machine/);
    expect(targetProblem('https://hooks.example.com/vigil')).toBeNull();
    allow('127.0.0.1,localhost');
    expect(targetProblem(`http://127.0.0.1:${port}/hook`)).toBeNull();
    expect(targetProblem('http://localhost:9/hook')).toBeNull();
  });

  it('at connect: a name resolving to a forbidden address is refused after DNS; nothing reaches the receiver', async () => {
    allow('');
    const before = hits;
    // The lookup every connection uses (a name that resolves inward — DNS rebinding — is refused on its answer).
    const answer = await new Promise<unknown>((resolve) =>
      guardedLookup('localhost', { all: true }, (error, address) => resolve(error ?? address)),
    );
    expect(answer).toBeInstanceOf(ForbiddenTargetError);
    allow('localhost');
    const allowed = await new Promise<unknown>((resolve) =>
      guardedLookup('localhost', { all: true }, (error, address) => resolve(error ?? address)),
    );
    expect(allowed).toEqual(
      expect.arrayContaining([expect.objectContaining({ address: expect.any(String) as string })]),
    );
    allow('');
    await expect(outboundRequest(`http://127.0.0.1:${port}/hook`, { method: 'POST' })).rejects.toBeInstanceOf(
      ForbiddenTargetError,
    );
    expect(hits).toBe(before);
  });

  it('an allowed local receiver is reached; a redirect is answered, never followed', async () => {
    allow('127.0.0.1,localhost');
    const before = hits;
    expect(await outboundRequest(`http://127.0.0.1:${port}/hook`, { method: 'POST', body: '{}' })).toEqual({
      status: 204,
    });
    expect(await outboundRequest(`http://localhost:${port}/redirect`, { method: 'POST', body: '{}' })).toEqual({
      status: 302,
    });
    expect(hits).toBe(before + 2);
  });
});
