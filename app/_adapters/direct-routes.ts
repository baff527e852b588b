import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { log } from '@/lib/log/logger';
import { securityHeaders } from './security-headers.mjs';

/*
 * Routes the production HTTP server (scripts/serve.ts) answers itself, without Next's request handler in between.
 * Only the platform's hot path is here: GET /api/v1/accounts/{id}/security is called on every customer login and
 * payment, and Next's own per-request work cost more than the route (bench/security-api.ts measures both).
 *
 * It is the same route: the same module's `GET`, built by `apiRoute` (the one adapter), with the same headers
 * (security-headers.mjs). Only the transport differs: a node request becomes a web Request here, and the web
 * Response is written back. Anything this table does not match exactly (another method, a trailing slash, an
 * undecodable id, no Host) falls through to Next, which answers it as it always did.
 */

export interface DirectRoute {
  method: 'GET';
  path: RegExp;
  /** The route's own handler, called with the path's groups percent-decoded (its module loads on first use). */
  answer: (request: Request, groups: string[]) => Promise<Response>;
}

/** A route module's exports, imported once rather than asked of the module loader on every request. */
function once<T>(load: () => Promise<T>): () => Promise<T> {
  let loaded: Promise<T> | undefined;
  return () => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };
}

const securityRoute = once(() => import('@/app/api/v1/accounts/[id]/security/route'));

export const directRoutes: readonly DirectRoute[] = [
  {
    method: 'GET',
    path: /^\/api\/v1\/accounts\/([^/]+)\/security$/,
    answer: async (request, [id]) => (await securityRoute()).GET(request, { params: Promise.resolve({ id: id! }) }),
  },
];

/** The route and its decoded params for a node request, or null when Next should answer it. */
function match(req: IncomingMessage, routes: readonly DirectRoute[]): { route: DirectRoute; groups: string[] } | null {
  const url = req.url ?? '';
  const queryAt = url.indexOf('?');
  const pathname = queryAt === -1 ? url : url.slice(0, queryAt);
  for (const route of routes) {
    if (req.method !== route.method) continue;
    const found = route.path.exec(pathname);
    if (!found) continue;
    try {
      return { route, groups: found.slice(1).map((segment) => decodeURIComponent(segment)) };
    } catch {
      return null; // a malformed percent-encoding: Next answers it as before
    }
  }
  return null;
}

/** The web Request of a node request without a body (the direct routes are all GETs). */
function webRequest(req: IncomingMessage): Request | null {
  const host = req.headers.host;
  if (!host) return null;
  let url: URL;
  try {
    url = new URL(req.url ?? '/', `http://${host}`);
  } catch {
    return null;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else headers.set(name, value);
  }
  return new Request(url, { method: req.method, headers });
}

async function send(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer());
  res.statusCode = response.status;
  for (const { key, value } of securityHeaders) res.setHeader(key, value);
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') res.setHeader(name, value);
  });
  const cookies = response.headers.getSetCookie(); // each its own header, as Next writes them
  if (cookies.length > 0) res.setHeader('Set-Cookie', cookies);
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

/**
 * A node request handler that answers the direct routes and hands everything else to `next` (Next's request
 * handler in production).
 */
export function withDirectRoutes(
  next: (req: IncomingMessage, res: ServerResponse) => unknown,
  routes: readonly DirectRoute[] = directRoutes,
): (req: IncomingMessage, res: ServerResponse) => Promise<unknown> {
  return async (req, res) => {
    const found = match(req, routes);
    const request = found && webRequest(req);
    if (!found || !request) return next(req, res);
    let response: Response;
    try {
      response = await found.route.answer(request, found.groups);
    } catch (error) {
      // The route answers its own errors (apiRoute); this is the route failing to load or a bug around it.
      const requestId = randomUUID();
      log.error('direct route failed', { requestId, path: new URL(request.url).pathname, error });
      response = Response.json(
        { error: 'internal_error', message: 'Something went wrong. Quote the request id if it persists.', requestId },
        { status: 500, headers: { 'Cache-Control': 'no-store' } },
      );
    }
    await send(res, response);
  };
}
