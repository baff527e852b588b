import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Admission, isPageRequest, withPageAdmission } from './page-admission';
import { securityHeaders } from './security-headers.mjs';

describe('Admission', () => {
  it('admits up to maxInFlight, queues up to maxQueued, refuses beyond; a release admits the next in line', async () => {
    const admission = new Admission({ maxInFlight: 2, maxQueued: 1, maxWaitMs: 5_000 });
    const first = await admission.enter();
    const second = await admission.enter();
    expect(first).toBeTypeOf('function');
    expect(second).toBeTypeOf('function');
    let thirdIn = false;
    const third = admission.enter().then((release) => {
      thirdIn = true;
      return release;
    });
    expect(await admission.enter()).toBeNull(); // the queue is full
    expect(admission.load()).toEqual({ running: 2, queued: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect(thirdIn).toBe(false);
    first!();
    first!(); // a second release of the same slot changes nothing
    const released = await third;
    expect(released).toBeTypeOf('function');
    expect(admission.load()).toEqual({ running: 2, queued: 0 });
    second!();
    released!();
    expect(admission.load()).toEqual({ running: 0, queued: 0 });
  });

  it('refuses a request that waited maxWaitMs, and forgets it', async () => {
    const admission = new Admission({ maxInFlight: 1, maxQueued: 5, maxWaitMs: 50 });
    const only = await admission.enter();
    const started = performance.now();
    expect(await admission.enter()).toBeNull();
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(admission.load()).toEqual({ running: 1, queued: 0 });
    only!();
    expect(await admission.enter()).toBeTypeOf('function');
  });
});

describe('isPageRequest', () => {
  const req = (method: string, url: string) => ({ method, url }) as IncomingMessage;
  it.each([
    ['GET', '/', true],
    ['GET', '/alerts?status=open', true],
    ['HEAD', '/accounts/cus_1', true],
    ['GET', '/report', true],
    ['GET', '/accounts/jo.doe%40shop.example', true], // a dot in an id is not a file
    ['POST', '/alerts', false], // a server action: answered by its own route
    ['GET', '/api/v1/alerts', false],
    ['GET', '/api/health', false],
    ['GET', '/metrics', false],
    ['GET', '/_next/static/chunks/app.js', false],
    ['GET', '/favicon.ico', false],
  ])('%s %s → %s', (method, url, page) => {
    expect(isPageRequest(req(method, url))).toBe(page);
  });
});

describe('withPageAdmission over HTTP', () => {
  const servers: http.Server[] = [];
  afterEach(() => {
    for (const server of servers.splice(0)) {
      server.closeAllConnections();
      server.close();
    }
  });

  /** A server whose pages answer only when `finish()` is called; anything else answers at once. */
  async function start(admission: Admission) {
    const waiting: ServerResponse[] = [];
    let rendered = 0;
    const handle = (req: IncomingMessage, res: ServerResponse) => {
      if (!isPageRequest(req)) return res.end(`other ${req.method} ${req.url}`);
      rendered += 1;
      waiting.push(res);
    };
    const server = http.createServer((req, res) => void withPageAdmission(handle, admission)(req, res));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const until = async (check: () => boolean) => {
      for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(check()).toBe(true);
    };
    return {
      base,
      rendered: () => rendered,
      until,
      finish: async () => {
        await until(() => waiting.some((res) => !res.destroyed));
        waiting
          .splice(
            waiting.findIndex((res) => !res.destroyed),
            1,
          )[0]!
          .end('page');
      },
    };
  }

  it('a page beyond the slots and the queue is 503 with Retry-After and a page that retries; others pass; a finished page frees its slot', async () => {
    const admission = new Admission({ maxInFlight: 1, maxQueued: 1, maxWaitMs: 10_000 });
    const s = await start(admission);
    const first = fetch(`${s.base}/`);
    await s.until(() => s.rendered() === 1);
    const queued = fetch(`${s.base}/alerts`);
    await s.until(() => admission.load().queued === 1);

    const refused = await fetch(`${s.base}/accounts`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.headers.get('cache-control')).toBe('no-store');
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    for (const { key, value } of securityHeaders) expect(refused.headers.get(key)).toBe(value);
    const html = await refused.text();
    expect(html).toContain('Vigil is busy');
    expect(html).toContain('<meta http-equiv="refresh" content="2">');
    const head = await fetch(`${s.base}/accounts`, { method: 'HEAD' });
    expect(head.status).toBe(503);

    // The API, Next's files and a POST are not pages: they do not wait for one.
    expect(await (await fetch(`${s.base}/api/v1/alerts`)).text()).toBe('other GET /api/v1/alerts');
    expect(await (await fetch(`${s.base}/_next/static/a.js`)).text()).toBe('other GET /_next/static/a.js');
    expect(await (await fetch(`${s.base}/alerts`, { method: 'POST' })).text()).toBe('other POST /alerts');

    await s.finish();
    expect(await (await first).text()).toBe('page');
    await s.until(() => s.rendered() === 2); // the queued page took the freed slot
    await s.finish();
    expect((await queued).status).toBe(200);
    await s.until(() => admission.load().running === 0);
  });

  it('a client that goes away mid-render frees its slot', async () => {
    const admission = new Admission({ maxInFlight: 1, maxQueued: 0, maxWaitMs: 0 });
    const s = await start(admission);
    const abort = new AbortController();
    const gone = fetch(`${s.base}/`, { signal: abort.signal }).catch(() => 'aborted');
    await s.until(() => s.rendered() === 1);
    expect((await fetch(`${s.base}/alerts`)).status).toBe(503);
    abort.abort();
    expect(await gone).toBe('aborted');
    await s.until(() => admission.load().running === 0);
    const next = fetch(`${s.base}/alerts`);
    await s.until(() => s.rendered() === 2);
    await s.finish();
    expect((await next).status).toBe(200);
  });
});
