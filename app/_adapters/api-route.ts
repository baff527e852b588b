import { randomUUID } from 'node:crypto';
import type { ApiKeyScope } from '@/lib/api-keys/authenticate-api-key';
import { authenticateApiKey } from '@/lib/api-keys/authenticate-api-key';
import { apiKeyPrefix } from '@/lib/api-keys/api-key-token';
import { publicActor, type Actor } from '@/lib/auth/actor';
import { currentActor } from '@/lib/auth/current-actor';
import { sessionCookieName } from '@/lib/auth/next-auth';
import { serviceContext, type ServiceContext } from '@/lib/context';
import { getDb, isDatabaseContention, isDatabaseUnavailable, withDeadline } from '@/lib/database';

import { env } from '@/lib/env';
import { forbidden, isServiceError, ServiceError, unauthorized, type ServiceErrorCode } from '@/lib/errors';
import { log } from '@/lib/log/logger';
import { countHttpRequest, httpRouteLabel } from '@/lib/monitoring/metrics';
import { consumeRate } from '@/lib/rate-limit/consume-rate';
import { clientIp } from './client-ip';
import { readJsonBody, type JsonBodyOptions } from './request-body';

/**
 * The one adapter of Vigil's HTTP routes. A route states who may call it and how much, then hands a plain
 * handler the service context; everything HTTP lives here and nowhere in lib/:
 *   - who calls: `key` (an API key with `scope`, sent only as `Authorization: Bearer`), `staff` (the session
 *     cookie, from our own pages only), `key-or-staff`, or `public` (an optional key with `scope` marks a
 *     trusted app);
 *   - how much: every caller is counted by the one rate limiter (lib/rate-limit/consume-rate.ts) in its route
 *     family's budget, per API key, staff member or client IP;
 *   - the body, read as a stream with a cap before anything parses it;
 *   - one deadline, so a database that hangs is a 503 within 5 s, not a hang;
 *   - the domain's one error type mapped to a status code here and only here.
 */

export type RouteAuth = 'key' | 'staff' | 'key-or-staff' | 'public';
export type RouteFamily = 'ingest' | 'security' | 'read' | 'change' | 'public';

export interface RouteSpec {
  auth: RouteAuth;
  scope?: ApiKeyScope;
  rate: RouteFamily;
  /** Read a JSON body (415 unless sent as JSON, 413 over the cap, 400 if it does not parse). */
  body?: JsonBodyOptions;
  /** What an API key is told on a staff-only route. */
  keyRefusal?: string;
  /** What a caller lacking the read permission is told (403), e.g. which scope a key needs. */
  forbidden?: string;
  /** At most this many of the route's requests at once in this process; one more is 503 with Retry-After, unread. */
  maxInFlight?: () => number;
}

export interface RouteCall<P> {
  ctx: ServiceContext;
  /** True when a public route was called with a valid API key of its scope (a trusted app). */
  withKey: boolean;
  body: unknown;
  params: P;
  query: URLSearchParams;
}

/** A handler's answer with a status other than 200, or with headers of its own. */
export class Reply {
  constructor(
    readonly body: unknown,
    readonly status = 200,
    readonly headers: Record<string, string> = {},
  ) {}
}

const statusOf: Record<ServiceErrorCode, number> = {
  unauthorized: 401,
  forbidden: 403,
  step_up_required: 403,
  not_found: 404,
  invalid: 400,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  timeout: 408,
  rate_limited: 429,
  unavailable: 503,
  gone: 410,
};

/** Requests per second per caller in each family; ingest and the security-state API are configurable. */
function budgetOf(family: RouteFamily): { limit: number; windowSeconds: number } {
  const e = env();
  switch (family) {
    case 'ingest':
      return { limit: e.VIGIL_INGEST_RATE_LIMIT, windowSeconds: 1 };
    case 'security':
      return { limit: e.VIGIL_SECURITY_API_RATE_LIMIT, windowSeconds: 1 };
    case 'read':
      return { limit: e.VIGIL_API_READ_RATE_LIMIT, windowSeconds: 1 };
    case 'change':
      return { limit: e.VIGIL_API_CHANGE_RATE_LIMIT, windowSeconds: 1 };
    case 'public':
      return { limit: e.VIGIL_PUBLIC_RATE_LIMIT, windowSeconds: 60 };
  }
}

const databaseBudgetMs = 4500;

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

const misplacedKey = /(^|[_-])(api[_-]?key|key|token|access[_-]?token|auth)$/i;

/** A key sent in the URL or another header is refused (never used): URLs end up in logs and histories. */
function refuseMisplacedApiKey(request: Request): void {
  const url = new URL(request.url);
  const inUrl = [...url.searchParams].some(([k, v]) => misplacedKey.test(k) || v.includes(apiKeyPrefix));
  if (inUrl || request.headers.has('x-api-key')) {
    throw unauthorized('Send the API key only in the Authorization header: "Authorization: Bearer <key>".');
  }
}

/** The signed-in staff member behind a cookie request from our own pages (cross-site requests are refused). */
async function staffCaller(request: Request): Promise<Actor> {
  const site = request.headers.get('sec-fetch-site');
  const origin = request.headers.get('origin');
  if ((site && site !== 'same-origin' && site !== 'none') || (origin && origin !== new URL(request.url).origin)) {
    throw forbidden('Cross-site requests are refused.');
  }
  // No session cookie: refused before the session store is asked (and outside Next's request scope, in tests).
  const hasSession = (request.headers.get('cookie') ?? '')
    .split(';')
    .some((pair) => pair.trim().startsWith(`${sessionCookieName()}=`));
  const actor = hasSession ? await currentActor() : null;
  if (!actor) throw unauthorized('Sign in, or send an API key as "Authorization: Bearer <key>".');
  return actor;
}

async function caller(
  spec: RouteSpec,
  request: Request,
  db: Awaited<ReturnType<typeof getDb>>,
): Promise<{ actor: Actor; withKey: boolean }> {
  refuseMisplacedApiKey(request);
  const authorization = request.headers.get('authorization');
  if (spec.auth === 'staff') {
    if (authorization !== null) throw forbidden(spec.keyRefusal ?? 'API keys cannot call this route.');
    return { actor: await staffCaller(request), withKey: false };
  }
  // A public route without a scope takes no key: an Authorization header there is ignored, not checked.
  if ((authorization !== null && !(spec.auth === 'public' && !spec.scope)) || spec.auth === 'key') {
    const client = await authenticateApiKey(db, authorization, spec.scope!);
    const actor: Actor = {
      kind: 'api',
      id: null,
      apiKeyId: client.keyId,
      email: `api:${client.name}`,
      role: 'api',
      scopes: client.scopes,
    };
    return { actor, withKey: true };
  }
  if (spec.auth === 'key-or-staff') return { actor: await staffCaller(request), withKey: false };
  return { actor: publicActor, withKey: false };
}

function bucketOf(family: RouteFamily, actor: Actor, ip: string | null): string {
  if (actor.kind === 'api') return `${family}:key:${actor.apiKeyId}`;
  if (actor.kind === 'staff') return `${family}:staff:${actor.id}`;
  return `${family}:ip:${ip ?? 'unknown'}`;
}

const overloaded = () =>
  new ServiceError('unavailable', 'This server is at capacity. Retry after Retry-After.', {
    retryAfterSeconds: 1,
    reason: 'overloaded',
  });

function errorResponse(error: ServiceError, spec: RouteSpec): Response {
  const headers: Record<string, string> = {};
  if (error.retryAfterSeconds !== undefined) headers['Retry-After'] = String(error.retryAfterSeconds);
  if (error.code === 'unavailable' && headers['Retry-After'] === undefined) headers['Retry-After'] = '5';
  if (error.code === 'unauthorized' && spec.auth === 'key') {
    headers['WWW-Authenticate'] = error.reason === 'invalid_token' ? 'Bearer error="invalid_token"' : 'Bearer';
  }
  const body: Record<string, unknown> = { error: error.reason ?? error.code, message: error.message };
  if (error.fieldErrors) body.fieldErrors = error.fieldErrors;
  if (error.current !== undefined) body.current = error.current;
  return json({ ...body, ...error.extra }, statusOf[error.code], headers);
}

/**
 * Wraps a route handler. The handler returns the body of a 200 (or a `Reply` for another status); it throws
 * ServiceError for every refusal.
 */
export function apiRoute<P extends Record<string, string> = Record<string, never>>(
  spec: RouteSpec,
  handler: (call: RouteCall<P>) => Promise<unknown>,
): (request: Request, route: { params: Promise<P> }) => Promise<Response> {
  let inFlight = 0;
  const answer = async (request: Request, route: { params: Promise<P> }): Promise<Response> => {
    // Minted here, never taken from the client: it ends up in audit rows.
    const requestId = randomUUID();
    try {
      // One 4.5 s budget for the database work, so a database that hangs is a 503 within 5 s. Reading the body is
      // not on it: a slow client is the HTTP server's to time out (408, scripts/http-server.ts).
      const deadline = Date.now() + databaseBudgetMs;
      const within = <T>(work: Promise<T>) => withDeadline(work, Math.max(1, deadline - Date.now()));
      const db = await within(getDb());
      const ip = clientIp(request.headers);
      const { actor, withKey } = await within(caller(spec, request, db));
      await within(
        consumeRate(db, {
          bucket: bucketOf(spec.rate, actor, ip),
          ...budgetOf(spec.rate),
          // Per-second budgets are counted in slices (one write per slice, not per request); the public family's
          // per-address budgets are small, and one process could hold slices for thousands of addresses.
          leased: spec.rate !== 'public',
          refusal:
            actor.kind === 'api'
              ? `Over the limit of ${budgetOf(spec.rate).limit} requests per second for this API key.`
              : 'Too many requests. Slow down and retry after the time in Retry-After.',
        }),
      );
      // A server at its limit for this route says so at once (the caller retries after Retry-After) rather than
      // reading and parsing a body it would then refuse, or queueing for the database pool. Checked again once the
      // body is in: a slow body holds no place while it arrives.
      const atCapacity = () => spec.maxInFlight !== undefined && inFlight >= spec.maxInFlight();
      if (atCapacity()) throw overloaded();
      const bodyStarted = Date.now();
      const body = spec.body ? await readJsonBody(request, spec.body) : undefined;
      const remaining = Math.max(1, deadline - bodyStarted); // what was left when the body began: its time is not counted
      const ctx = serviceContext(db, actor, { requestId, clientIp: ip });
      const params = (await route?.params) ?? {};
      const query = new URL(request.url).searchParams;
      if (atCapacity()) throw overloaded();
      inFlight += 1;
      const result = await withDeadline(
        handler({ ctx, withKey, body, params, query })
          .finally(() => (inFlight -= 1))
          .catch((error: unknown) => {
            // A caller the domain refuses is told what this route needs (a key's scope, a role).
            if (spec.forbidden && isServiceError(error) && error.code === 'forbidden') throw forbidden(spec.forbidden);
            throw error;
          }),
        remaining,
      );
      if (result instanceof Response) return result;
      if (result instanceof Reply) return json(result.body, result.status, result.headers);
      return json(result);
    } catch (error) {
      if (isServiceError(error)) return errorResponse(error, spec);
      const path = new URL(request.url).pathname;
      if (isDatabaseUnavailable(error)) {
        log.warn('database unavailable', { requestId, path });
        return json({ error: 'unavailable', message: 'The database is unavailable. Retry shortly.', requestId }, 503, {
          'Retry-After': '5',
        });
      }
      if (isDatabaseContention(error)) {
        log.warn('database contention: the request was rolled back', { requestId, path, error });
        return json(
          {
            error: 'unavailable',
            message: 'The database was busy with a conflicting change. Retry shortly.',
            requestId,
          },
          503,
          { 'Retry-After': '1' },
        );
      }
      log.error('unexpected API error', { requestId, path, error });
      return json(
        { error: 'internal_error', message: 'Something went wrong. Quote the request id if it persists.', requestId },
        500,
      );
    }
  };
  return async (request, route) => {
    const response = await answer(request, route);
    // Every answer counted for GET /metrics, by route template (lib/monitoring/metrics.ts).
    const params = (await route?.params?.catch(() => ({}))) ?? {};
    countHttpRequest(httpRouteLabel(new URL(request.url).pathname, params), request.method, response.status);
    return response;
  };
}
