import type { accounts } from '@/db/schema';

/** What the platform reads before letting a login or payment through (GET /api/v1/accounts/{id}/security). */
export interface SecurityState {
  status: 'active' | 'locked';
  passwordResetRequired: boolean;
  twoFactor: { required: boolean; method: string | null };
  sessionsValidAfter: string | null;
  version: number;
  reported: { twoFactor: { enabled: boolean; method: string | null }; email: string | null; phone: string | null };
}

/**
 * A reset staff required is still due until the platform reports a password change made after it (the
 * customer went through the reset flow). The imposed column is never overwritten by an event.
 */
export function resetStillRequired(a: Pick<typeof accounts.$inferSelect, 'passwordResetRequired' | 'passwordResetRequiredAt' | 'reportedPasswordChangedAt'>): boolean {
  if (!a.passwordResetRequired) return false;
  return !(a.passwordResetRequiredAt && a.reportedPasswordChangedAt && a.reportedPasswordChangedAt > a.passwordResetRequiredAt);
}

/** Imposed state beside what the platform last reported; one shape for the API, the webhook and results. */
export function securityState(a: typeof accounts.$inferSelect): SecurityState {
  return {
    status: a.status,
    passwordResetRequired: resetStillRequired(a),
    twoFactor: { required: a.twoFactorRequired, method: a.twoFactorRequiredMethod },
    sessionsValidAfter: a.sessionsValidAfter?.toISOString() ?? null,
    version: a.version,
    reported: { twoFactor: { enabled: a.reportedTwoFactorEnabled, method: a.reportedTwoFactorMethod }, email: a.email, phone: a.phone },
  };
}
