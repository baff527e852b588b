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

/** Imposed state beside what the platform last reported; one shape for the API, the webhook and results. */
export function securityState(a: typeof accounts.$inferSelect): SecurityState {
  return {
    status: a.status,
    passwordResetRequired: a.passwordResetRequired,
    twoFactor: { required: a.twoFactorRequired, method: a.twoFactorRequiredMethod },
    sessionsValidAfter: a.sessionsValidAfter?.toISOString() ?? null,
    version: a.version,
    reported: { twoFactor: { enabled: a.reportedTwoFactorEnabled, method: a.reportedTwoFactorMethod }, email: a.email, phone: a.phone },
  };
}
