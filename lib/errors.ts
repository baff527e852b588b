/**
 * The one error type of the domain. lib/ throws it and knows nothing of HTTP; each transport maps it in one
 * place: app/_adapters/api-route.ts (status codes) and app/_adapters/server-action.ts (form results).
 */
export type ServiceErrorCode =
  | 'unauthorized'
  | 'forbidden'
  /** The action needs a second factor verified within VIGIL_STEP_UP_MAX_AGE (lib/auth/second-factor.ts). */
  | 'step_up_required'
  | 'not_found'
  | 'invalid'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'timeout'
  | 'rate_limited'
  | 'unavailable'
  /** What was asked for existed once and is gone for good (a stream cursor older than retention kept). */
  | 'gone';

export type FieldErrors = Record<string, string[]>;

export interface ServiceErrorDetails {
  fieldErrors?: FieldErrors;
  /** With a conflict: the record as it is now, so the caller can show it instead of losing an update. */
  current?: unknown;
  /** With rate_limited or unavailable: when trying again can succeed. */
  retryAfterSeconds?: number;
  /** A finer machine-readable reason than the code (`invalid_json`, `legal_hold`), shown to API callers. */
  reason?: string;
  /** More fields for machine callers, e.g. the per-event `details` of a refused batch. */
  extra?: Record<string, unknown>;
}

/*
 * One process holds several copies of this module (Next's route bundles, and the production server's own bundle
 * that answers the direct routes, app/_adapters/direct-routes.ts), and an error can cross from one to another
 * through state they share on globalThis. So a ServiceError is known by a brand every copy agrees on, not by
 * `instanceof` one copy's class.
 */
const serviceErrorBrand = Symbol.for('vigil.ServiceError');

export class ServiceError extends Error {
  override name = 'ServiceError';
  readonly [serviceErrorBrand] = true;
  readonly fieldErrors?: FieldErrors;
  readonly current?: unknown;
  readonly retryAfterSeconds?: number;
  readonly reason?: string;
  readonly extra?: Record<string, unknown>;
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    details: ServiceErrorDetails = {},
  ) {
    super(message);
    this.fieldErrors = details.fieldErrors;
    this.current = details.current;
    this.retryAfterSeconds = details.retryAfterSeconds;
    this.reason = details.reason;
    this.extra = details.extra;
  }
}

export const notFound = (what = 'Not found') => new ServiceError('not_found', what);
export const forbidden = (message = 'You do not have permission to do this.') => new ServiceError('forbidden', message);
export const unauthorized = (message: string) => new ServiceError('unauthorized', message);
export const invalid = (message: string, fieldErrors?: FieldErrors, reason?: string) =>
  new ServiceError('invalid', message, { fieldErrors, reason });
export const conflict = (message: string, current?: unknown) => new ServiceError('conflict', message, { current });
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new ServiceError('rate_limited', message, { retryAfterSeconds });

export function isServiceError(error: unknown): error is ServiceError {
  return typeof error === 'object' && error !== null && serviceErrorBrand in error;
}
