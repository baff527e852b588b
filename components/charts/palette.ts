/** One fixed colour per channel, purpose and outcome, on every chart. */
export const channelColors: Record<string, string> = {
  sms: '#4f46e5',
  email: '#0891b2',
  voice: '#a855f7',
  totp: '#059669',
};
export const purposeColors: Record<string, string> = {
  login: '#2563eb',
  transaction: '#d97706',
  delivery: '#db2777',
  password_reset: '#7c3aed',
  contact_change: '#0d9488',
};
export const reasonColors: Record<string, string> = {
  incorrect: '#f97316',
  expired: '#eab308',
  max_attempts: '#dc2626',
};
export const loginReasonColors: Record<string, string> = {
  bad_password: '#f97316',
  unknown_account: '#64748b',
  account_locked: '#a855f7',
  otp_failed: '#dc2626',
  other: '#94a3b8',
};
export const outcomeColors = { succeeded: '#16a34a', failed: '#dc2626' };

export const channelLabels: Record<string, string> = {
  sms: 'SMS',
  email: 'E-mail',
  voice: 'Voice',
  totp: 'Authenticator app',
};
export const purposeLabels: Record<string, string> = {
  login: 'Login',
  transaction: 'Payment',
  delivery: 'Delivery hand-over',
  password_reset: 'Password reset',
  contact_change: 'Contact change',
};
export const reasonLabels: Record<string, string> = {
  incorrect: 'Wrong code',
  expired: 'Expired',
  max_attempts: 'Too many tries',
  bad_password: 'Wrong password',
  unknown_account: 'Unknown account',
  account_locked: 'Account locked',
  otp_failed: 'Code not verified',
  other: 'Other',
};
