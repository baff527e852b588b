import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { setupTestDatabase } from '@/db/testing/test-database';
import { trustedProxyList } from '@/app/_adapters/forwarded-for';
import { GET as health } from '@/app/api/health/route';
import { GET as metrics } from '@/app/metrics/route';
import { startBackgroundLoop, stopBackgroundLoops } from '@/lib/background/loop';
import { setDatabaseForTests } from '@/lib/database';
import { resetEnvForTests } from '@/lib/env';
import { resetReadinessForTests } from '@/lib/health/readiness';
import { withDirectRoutes } from '@/app/_adapters/direct-routes';
import { securityHeaders } from '@/app/_adapters/security-headers.mjs';
import { GET as securityRoute } from '@/app/api/v1/accounts/[id]/security/route';
import { insertAccount, uniqueSuffix } from '@/lib/testing/fixtures';
import { makeApiKey } from '@/lib/testing/ingest-fixtures';
import { createVigilServer, shutDown, type VigilServerOptions } from './http-server';

const { db } = setupTestDatabase();

const servers: http.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.closeAllConnections();
  resetReadinessForTests();
  vi.unstubAllEnvs();
  resetEnvForTests();
});

async function start(options: Partial<VigilServerOptions> & Pick<VigilServerOptions, 'handle'>) {
  const server = createVigilServer({ trustedProxies: trustedProxyList(''), requestTimeoutMs: 30_000, ...options });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A promise and the function that resolves it. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

function get(port: number, path: string, headers: Record<string, string> = {}) {
  return request(port, 'GET', path, headers).then(({ status, body }) => ({ status, body }));
}

function request(port: number, method: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }>((resolve, reject) => {
    http
      .request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, body, headers: res.headers }));
      })
      .on('error', reject)
      .end();
  });
}

/** A Next route handler mounted on the node server, as Next's own request handler does in production. */
function route(handler: (request: Request) => Promise<Response>) {
  return async (req: IncomingMessage, res: ServerResponse) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    const response = await handler(new Request(`http://localhost${req.url}`, { method: req.method, headers }));
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  };
}

describe('graceful shutdown', () => {
  it('finishes the request in flight, refuses new connections, reports shutting_down, then runs the stops in order', async () => {
    setDatabaseForTests(db());
    const order: string[] = [];
    const slowArrived = gate();
    const slowMayAnswer = gate();
    const { server, port } = await start({
      handle: async (_req, res) => {
        slowArrived.open();
        await slowMayAnswer.opened;
        order.push('slow request answered');
        res.end('done');
      },
    });
    // A background loop (as instrumentation.ts starts them) with a pass in progress.
    const passStarted = gate();
    const passMayEnd = gate();
    startBackgroundLoop(
      'shutdown-test',
      () => Promise.resolve(db()),
      async () => {
        passStarted.open();
        await passMayEnd.opened;
        order.push('loop pass finished');
        return false;
      },
      { intervalMs: 60_000, errorIntervalMs: 60_000, failureMessage: 'test pass failed' },
    );
    await passStarted.opened;

    // Node's global agent keeps connections alive: the drain must close this one once it is answered.
    const slow = get(port, '/slow');
    await slowArrived.opened;
    const stopping = shutDown(server, {
      graceMs: 10_000,
      steps: [
        {
          name: 'background loops',
          run: async () => {
            order.push('stopping loops');
            const stopped = stopBackgroundLoops();
            passMayEnd.open(); // the stop must wait for this pass
            await stopped;
            order.push('loops stopped');
          },
        },
        { name: 'database', run: () => Promise.resolve(void order.push('database closed')) },
      ],
    });

    const ready = await health();
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unavailable', reason: 'shutting_down' });
    await expect(get(port, '/new')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(order).toEqual([]); // nothing stopped while a request is in flight

    slowMayAnswer.open();
    expect(await slow).toEqual({ status: 200, body: 'done' });
    expect(await stopping).toEqual({
      drained: true,
      steps: [
        { name: 'background loops', ok: true },
        { name: 'database', ok: true },
      ],
    });
    expect(order).toEqual([
      'slow request answered',
      'stopping loops',
      'loop pass finished',
      'loops stopped',
      'database closed',
    ]);
  });

  it('cuts requests still running at the grace deadline, then still runs every step', async () => {
    const arrived = gate();
    const { server, port } = await start({
      handle: () => {
        arrived.open(); // never answers
      },
    });
    const hanging = get(port, '/hang');
    await arrived.opened;
    const steps: string[] = [];
    const report = await shutDown(server, {
      graceMs: 100,
      steps: [
        { name: 'fails', run: () => Promise.reject(new Error('stop failed')) },
        { name: 'database', run: () => Promise.resolve(void steps.push('database')) },
      ],
    });
    expect(report).toEqual({
      drained: false,
      steps: [
        { name: 'fails', ok: false },
        { name: 'database', ok: true },
      ],
    });
    expect(steps).toEqual(['database']);
    await expect(hanging).rejects.toThrow(/socket hang up/);
  });
});

describe('slow and broken clients', () => {
  /** Sends `raw` on a plain socket and returns everything the server wrote before it closed the connection. */
  function rawExchange(port: number, raw: string): Promise<string> {
    return new Promise((resolve, reject) => {
      let received = '';
      const socket = net.connect(port, '127.0.0.1', () => socket.write(raw));
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => (received += chunk));
      socket.on('close', () => resolve(received));
      socket.on('error', reject);
    });
  }

  const readsBody: VigilServerOptions['handle'] = async (req, res) => {
    let size = 0;
    try {
      for await (const chunk of req) size += (chunk as Buffer).length;
    } catch {
      return; // the server gave up on the request (408) and closed the connection
    }
    res.setHeader('Connection', 'close');
    res.end(`read ${size} bytes`);
  };

  it('answers 408 and closes the connection when the body stalls after a few bytes', async () => {
    const { port } = await start({ handle: readsBody, requestTimeoutMs: 300, checkIntervalMs: 50 });
    const answer = await rawExchange(
      port,
      'POST /api/v1/events HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ev',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it('answers a body that arrives in full (the positive control)', async () => {
    const { port } = await start({ handle: readsBody, requestTimeoutMs: 300, checkIntervalMs: 50 });
    const answer = await rawExchange(port, 'POST /x HTTP/1.1\r\nHost: localhost\r\nContent-Length: 4\r\n\r\n{"a"');
    expect(answer).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*read 4 bytes$/);
  });

  it('answers 408 to headers that never end', async () => {
    const { port } = await start({ handle: readsBody, requestTimeoutMs: 300, checkIntervalMs: 50 });
    expect(await rawExchange(port, 'GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ')).toMatch(/^HTTP\/1\.1 408 /);
  });
});

describe('the loopback mark behind GET /metrics', () => {
  it('lets a scrape from this machine without X-Forwarded-For in when no token is set, and nothing else', async () => {
    vi.stubEnv('VIGIL_METRICS_TOKEN', '');
    resetEnvForTests();
    setDatabaseForTests(db());
    const { port } = await start({ handle: route(metrics) });
    const direct = await get(port, '/metrics');
    expect(direct.status).toBe(200);
    expect(direct.body).toContain('vigil_database_up 1');
    // A proxy on this machine forwarding someone else's request, and a client forging the mark.
    expect((await get(port, '/metrics', { 'X-Forwarded-For': '203.0.113.7' })).status).toBe(403);
    expect(
      (await get(port, '/metrics', { 'X-Forwarded-For': '203.0.113.7', 'X-Vigil-Loopback-Peer': 'guess' })).status,
    ).toBe(403);
  });
});

describe('routes the server answers without Next (app/_adapters/direct-routes.ts)', () => {
  it('answers GET …/security through the same route, with the same answer and headers; anything else goes to Next', async () => {
    setDatabaseForTests(db());
    const { key } = await makeApiKey(db(), ['accounts:read']);
    const account = await insertAccount(db(), { externalId: `cus ${uniqueSuffix()}@shop`, firstEventAt: new Date() });
    const toNext: string[] = [];
    const { port } = await start({
      handle: withDirectRoutes((req, res) => {
        toNext.push(`${req.method} ${req.url}`);
        res.end('next');
      }),
    });
    const auth = { authorization: `Bearer ${key}` };
    const path = `/api/v1/accounts/${encodeURIComponent(account.externalId)}/security`;

    const direct = await request(port, 'GET', `${path}?from=platform`, auth);
    const viaRoute = await securityRoute(new Request(`http://localhost${path}`, { headers: auth }), {
      params: Promise.resolve({ id: account.externalId }),
    });
    expect(direct.status).toBe(200);
    expect(JSON.parse(direct.body)).toEqual(await viaRoute.json());
    expect(JSON.parse(direct.body)).toMatchObject({ status: 'active', version: 1 });
    expect(direct.headers['content-type']).toBe('application/json');
    expect(direct.headers['cache-control']).toBe('no-store');
    for (const { key: name, value } of securityHeaders) expect(direct.headers[name.toLowerCase()]).toBe(value);

    // The adapter's refusals, as JSON with their headers.
    const unknown = await request(port, 'GET', '/api/v1/accounts/cus_never_seen/security', auth);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ error: 'not_found' });
    const keyless = await request(port, 'GET', path);
    expect(keyless.status).toBe(401);
    expect(keyless.headers['www-authenticate']).toBe('Bearer');

    expect(toNext).toEqual([]);
    for (const [method, other] of [
      ['POST', path],
      ['GET', `${path}/`],
      ['GET', `/api/v1/accounts/${encodeURIComponent(account.externalId)}`],
      ['GET', '/api/v1/accounts/a/b/security'],
    ] as const) {
      expect((await request(port, method, other, auth)).body).toBe('next');
    }
    expect(toNext).toHaveLength(4);
  });

  it('a direct route that fails answers 500 with a request id and the security headers; cookies pass through', async () => {
    const { port } = await start({
      handle: withDirectRoutes(
        (_req, res) => res.end('next'),
        [
          { method: 'GET', path: /^\/broken$/, answer: () => Promise.reject(new Error('module failed to load')) },
          {
            method: 'GET',
            path: /^\/cookies$/,
            answer: () => {
              const headers = new Headers();
              headers.append('Set-Cookie', 'a=1; Path=/');
              headers.append('Set-Cookie', 'b=2; Path=/');
              return Promise.resolve(new Response('{}', { headers }));
            },
          },
        ],
      ),
    });
    const broken = await request(port, 'GET', '/broken');
    expect(broken.status).toBe(500);
    expect(JSON.parse(broken.body)).toMatchObject({ error: 'internal_error', requestId: expect.any(String) as string });
    expect(JSON.parse(broken.body)).not.toHaveProperty('stack');
    expect(broken.headers['x-frame-options']).toBe('DENY');
    expect((await request(port, 'GET', '/cookies')).headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
  });

  it('answers a path that is not valid percent-encoding 400 before any route sees it', async () => {
    const seen: string[] = [];
    const { port } = await start({
      handle: withDirectRoutes((req, res) => {
        seen.push(req.url!);
        res.end('next');
      }),
    });
    for (const path of ['/api/v1/accounts/%ZZ/security', '/api/v1/alerts/%E0%A4%A', '/accounts/%C0']) {
      const answer = await request(port, 'GET', path);
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.body)).toMatchObject({
        error: 'invalid',
        message: expect.stringMatching(/percent-encoding/) as string,
      });
      expect(answer.headers['x-content-type-options']).toBe('nosniff');
    }
    expect(seen).toEqual([]);
    expect((await request(port, 'GET', '/api/v1/alerts?q=%ZZ')).body).toBe('next'); // a query string Next parses leniently
  });
});
