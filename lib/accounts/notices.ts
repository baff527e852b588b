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

export interface Notice {
  channel: 'email' | 'sms';
  to: string;
  text: string;
  /** The customer's "not me" link (lib/reports/report-links.ts), also at the end of the text. */
  reportUrl?: string;
}

/** Where the notice goes (e-mail on file, else SMS), or null when Vigil has no contact for the account. */
export function noticeChannel(account: AccountRow): Pick<Notice, 'channel' | 'to'> | null {
  if (account.email) return { channel: 'email', to: account.email };
  if (account.phone) return { channel: 'sms', to: account.phone };
  return null;
}

export function noticeFor(template: NoticeTemplate, account: AccountRow, reportUrl?: string): Notice | null {
  const where = noticeChannel(account);
  if (!where) return null;
  const text = reportUrl ? `${templates[template]} Not you? Tell us in one tap: ${reportUrl}` : templates[template];
  return { ...where, text, ...(reportUrl ? { reportUrl } : {}) };
}
