import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { BlockList } from 'node:net';
import { forwardedFor } from '../app/_adapters/forwarded-for';
import { markLoopbackPeer } from '../app/_adapters/loopback-peer';
import { securityHeaders } from '../app/_adapters/security-headers.mjs';
import { beginShutdown } from '../lib/health/readiness';
import { log } from '../lib/log/logger';

/*
 * The node:http server behind `npm start` (scripts/serve.ts), apart from Next so that a test can start it:
 * the client's address and the loopback mark come from the connection, a request whose headers and body are
 * not in after `requestTimeoutMs` gets 408, and `shutDown` drains it.
 */

export interface VigilServerOptions {
  /** Next's request handler in production; any handler in tests. */
  handle: (req: IncomingMessage, res: ServerResponse) => unknown;
  trustedProxies: BlockList;
  /** A request (headers and body) not fully received after this long is answered 408 and its connection closed. */
  requestTimeoutMs: number;
  /** How often node looks for such requests; its default (30 s) would let one run up to twice the timeout. */
  checkIntervalMs?: number;
}

const malformedPathMessage =
  'The request path is not valid percent-encoding: a "%" must begin a UTF-8 byte written as two hex digits.';

/** Whether a request target's path decodes (a "%" followed by two hex digits, and those bytes UTF-8). */
function validPercentEncoding(url: string | undefined): boolean {
  if (!url?.includes('%')) return true;
  const queryAt = url.indexOf('?');
  try {
    decodeURIComponent(queryAt === -1 ? url : url.slice(0, queryAt));
    return true;
  } catch {
    return false;
  }
}

/** Servers that are shutting down: their responses close the connection instead of keeping it alive. */
const draining = new WeakSet<Server>();

export function createVigilServer(options: VigilServerOptions): Server {
  const server = createServer(
    {
      requestTimeout: options.requestTimeoutMs,
      headersTimeout: options.requestTimeoutMs, // node refuses a headers timeout longer than the request timeout
      connectionsCheckingInterval: options.checkIntervalMs ?? Math.min(1000, options.requestTimeoutMs),
    },
    (req, res) => {
      markLoopbackPeer(req.headers, req.socket.remoteAddress);
      const xff = forwardedFor(req.headers['x-forwarded-for'], req.socket.remoteAddress, options.trustedProxies);
      if (xff) req.headers['x-forwarded-for'] = xff;
      else delete req.headers['x-forwarded-for'];
      if (draining.has(server)) res.setHeader('Connection', 'close');
      if (!validPercentEncoding(req.url)) {
        // Next answers such a path with a bare 500 and logs nothing; it is the client's mistake, so it is a 400.
        for (const { key, value } of securityHeaders) res.setHeader(key, value);
        res.writeHead(400, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
        res.end(JSON.stringify({ error: 'invalid', message: malformedPathMessage }));
        return;
      }
      // A keep-alive connection whose response finishes while draining is closed at once, not after its idle timeout.
      res.once('finish', () => {
        if (draining.has(server)) setImmediate(() => server.closeIdleConnections());
      });
      Promise.resolve()
        .then(() => options.handle(req, res))
        .catch((error: unknown) => {
          log.error('unhandled error in the HTTP server', { path: req.url?.split('?')[0], error });
          if (res.headersSent) res.destroy();
          else res.writeHead(500).end();
        });
    },
  );
  // Longer than the idle timeouts of the clients and balancers in front (60 s is common): a server that closes an
  // idle keep-alive connection first races the client's next request on it, which then sees ECONNRESET.
  server.keepAliveTimeout = 65_000;
  return server;
}

export interface ShutdownStep {
  name: string;
  run: () => Promise<unknown>;
}

export interface ShutdownReport {
  /** False when requests were still running at the grace deadline (their connections were then cut). */
  drained: boolean;
  steps: { name: string; ok: boolean }[];
}

/**
 * Graceful shutdown: readiness turns 503 `shutting_down` (lib/health/readiness.ts), the server stops
 * accepting connections, requests in flight finish (until `graceMs`, then their connections are cut), and
 * then the steps run one after the other (background loops, the database pool). A failed step is logged
 * and the next one still runs.
 */
export async function shutDown(
  server: Server,
  options: { graceMs: number; steps: readonly ShutdownStep[] },
): Promise<ShutdownReport> {
  beginShutdown();
  draining.add(server);
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const drained = await Promise.race([
    closed.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), options.graceMs))),
  ]);
  clearTimeout(timer);
  if (!drained) {
    log.warn('requests still running at the shutdown deadline; closing their connections', {
      graceMs: options.graceMs,
    });
    server.closeAllConnections();
    await closed;
  }
  const steps: ShutdownReport['steps'] = [];
  for (const step of options.steps) {
    try {
      await step.run();
      steps.push({ name: step.name, ok: true });
    } catch (error) {
      log.error('shutdown step failed', { step: step.name, error });
      steps.push({ name: step.name, ok: false });
    }
  }
  return { drained, steps };
}
