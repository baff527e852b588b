/*
 * Every figure on a chart is defined here, once (README "Metric definitions" mirrors this).
 * Rates are unrounded fractions; a rate whose denominator is 0 is null (no data is not 0 %).
 */

export const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : numerator / denominator;

export interface OtpCounts {
  issued: number;
  verified: number;
  failed: number;
  failedByReason: { incorrect: number; expired: number; max_attempts: number };
  deliveryFailed: number;
}

export interface OtpFigures extends OtpCounts {
  /** verified ÷ issued, per bucket of the events' own time: a code verified after the bucket turns counts in the next one, so a bucket can exceed 1. */
  conversionRate: number | null;
  /** failed ÷ (failed + verified): the share of code entries that were wrong, expired or over the limit. */
  failureRate: number | null;
  /** delivery_failed ÷ issued. */
  deliveryFailureRate: number | null;
}

export const emptyOtpCounts = (): OtpCounts => ({
  issued: 0,
  verified: 0,
  failed: 0,
  failedByReason: { incorrect: 0, expired: 0, max_attempts: 0 },
  deliveryFailed: 0,
});

export function otpFigures(c: OtpCounts): OtpFigures {
  return {
    ...c,
    conversionRate: ratio(c.verified, c.issued),
    failureRate: ratio(c.failed, c.failed + c.verified),
    deliveryFailureRate: ratio(c.deliveryFailed, c.issued),
  };
}

export const loginFailureReasons = [
  'bad_password',
  'unknown_account',
  'account_locked',
  'otp_failed',
  'other',
] as const;

export interface LoginCounts {
  succeeded: number;
  failed: number;
  failedByReason: Record<(typeof loginFailureReasons)[number], number>;
}

export interface LoginFigures extends LoginCounts {
  /** login.failed ÷ all login events. */
  failureRate: number | null;
}

export const emptyLoginCounts = (): LoginCounts => ({
  succeeded: 0,
  failed: 0,
  failedByReason: { bad_password: 0, unknown_account: 0, account_locked: 0, otp_failed: 0, other: 0 },
});

export function loginFigures(c: LoginCounts): LoginFigures {
  return { ...c, failureRate: ratio(c.failed, c.succeeded + c.failed) };
}
