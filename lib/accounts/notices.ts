import type { AccountRow } from './account-change';

/** What the customer is told, per account action (keyed by its audit action); sent to the e-mail on file, else by SMS. */
const templates = {
  'account.force_password_reset':
    'For your security we have reset your password. Next time you sign in you will be asked to choose a new one. We will never ask you for a code or password.',
  'account.lock':
    'We have temporarily locked your account to protect it. Contact support to unlock it; we will never ask you for a code or password.',
  'account.unlock': 'Your account is unlocked. If you did not ask for this, contact support.',
  'account.enable_2fa': 'Two-step verification is now required on your account: each sign-in will ask for a code.',
  'account.approve_2fa_off':
    'Two-step verification has been turned off on your account at your request. If you did not ask for this, contact support at once.',
  'account.revoke_sessions': 'We have signed you out everywhere. Sign in again to continue.',
} as const;

export type NoticeTemplate = keyof typeof templates;

export function noticeFor(
  template: NoticeTemplate,
  account: AccountRow,
): { channel: 'email' | 'sms'; to: string; text: string } | null {
  if (account.email) return { channel: 'email', to: account.email, text: templates[template] };
  if (account.phone) return { channel: 'sms', to: account.phone, text: templates[template] };
  return null;
}
