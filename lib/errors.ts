/** Typed errors of the domain, mapped to HTTP or to a form result in one place (lib/http). */
export type ServiceErrorCode =
  'unauthorized' | 'forbidden' | 'not_found' | 'invalid' | 'conflict' | 'rate_limited' | 'unavailable';

export type FieldErrors = Record<string, string[]>;

export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    readonly fieldErrors?: FieldErrors,
    /** With a conflict: the record as it is now, so the caller can show it instead of losing an update. */
    readonly current?: unknown,
  ) {
    super(message);
  }
}

export const notFound = (what = 'Not found') => new ServiceError('not_found', what);
export const forbidden = () => new ServiceError('forbidden', 'You do not have permission to do this.');
export const invalid = (message: string, fieldErrors?: FieldErrors) =>
  new ServiceError('invalid', message, fieldErrors);
export const conflict = (message: string, current?: unknown) =>
  new ServiceError('conflict', message, undefined, current);

export function isServiceError(error: unknown): error is ServiceError {
  return error instanceof ServiceError;
}
