import type { accounts } from '@/db/schema';

/** What the platform reads before letting a login or payment through (GET /api/v1/accounts/{id}/security). */
export interface SecurityState {
  status: 'active' | 'locked';
  passwordResetRequired: boolean;
  /**
   * `disableRequired` (an extension of the contract): staff approved turning 2FA off while the customer had
   * it on by their own choice, so the platform must remove the enrolment. True until the platform reports a
   * 2FA change made after the approval.
   */
  twoFactor: { required: boolean; method: string | null; disableRequired: boolean };
  sessionsValidAfter: string | null;
  version: number;
  reported: { twoFactor: { enabled: boolean; method: string | null }; email: string | null; phone: string | null };
}

/**
 * A reset staff required is still due until the platform reports a password change made after it (the
 * customer went through the reset flow). The imposed column is never overwritten by an event.
 */
export function resetStillRequired(
  a: Pick<
    typeof accounts.$inferSelect,
    'passwordResetRequired' | 'passwordResetRequiredAt' | 'reportedPasswordChangedAt'
  >,
): boolean {
  if (!a.passwordResetRequired) return false;
  return !(
    a.passwordResetRequiredAt &&
    a.reportedPasswordChangedAt &&
    a.reportedPasswordChangedAt > a.passwordResetRequiredAt
  );
}

/**
 * Turning 2FA off that staff approved is still due while the platform reports 2FA on and has reported no
 * 2FA change since the approval (a later report, off or a fresh enrolment, is the customer's own state).
 */
export function twoFactorOffStillRequired(
  a: Pick<
    typeof accounts.$inferSelect,
    'twoFactorOffApprovedAt' | 'reportedTwoFactorEnabled' | 'reportedTwoFactorObservedAt'
  >,
): boolean {
  if (!a.twoFactorOffApprovedAt || !a.reportedTwoFactorEnabled) return false;
  return !(a.reportedTwoFactorObservedAt && a.reportedTwoFactorObservedAt > a.twoFactorOffApprovedAt);
}

/** Imposed state beside what the platform last reported; one shape for the API, the webhook and results. */
export function securityState(a: typeof accounts.$inferSelect): SecurityState {
  return {
    status: a.status,
    passwordResetRequired: resetStillRequired(a),
    twoFactor: {
      required: a.twoFactorRequired,
      method: a.twoFactorRequiredMethod,
      disableRequired: twoFactorOffStillRequired(a),
    },
    sessionsValidAfter: a.sessionsValidAfter?.toISOString() ?? null,
    version: a.version,
    reported: {
      twoFactor: { enabled: a.reportedTwoFactorEnabled, method: a.reportedTwoFactorMethod },
      email: a.email,
      phone: a.phone,
    },
  };
}
