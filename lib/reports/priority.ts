import type { ReportCategory, ReportPriority } from '@/db/schema';

/** SLA per priority: hours until the report is due. */
export const slaHours: Record<ReportPriority, number> = { low: 72, normal: 24, high: 8, urgent: 2 };

export interface PrioritySignals {
  category: ReportCategory;
  linked: boolean;
  /** Codes issued to the account in the 24 h before filing. */
  recentCodes: number;
  /** A wrong code or a failed login in the 24 h before filing. */
  recentFailures: number;
  /** A successful login from a device first seen in the last 7 days. */
  newDeviceLogin: boolean;
  /** A contact change in the last 7 days. */
  recentContactChange: boolean;
  openAlertSeverities: string[];
}

/**
 * How urgent a report is, from what Vigil found at filing time: an unrequested code together
 * with a failed code or a new-device login means someone is inside or trying → high; signs that the
 * account is being taken over right now (an open critical alert, or a contact change with a report of
 * impersonation or an unknown order) → urgent. Reports that match no account start low or normal.
 */
export function reportPriority(s: PrioritySignals): ReportPriority {
  const takeover =
    s.openAlertSeverities.includes('critical') ||
    (s.recentContactChange && (s.category === 'impersonation' || s.category === 'unauthorized_order'));
  if (s.linked && takeover) return 'urgent';
  if (s.linked && s.category === 'unrequested_code' && (s.recentFailures > 0 || s.newDeviceLogin)) return 'high';
  if (
    s.linked &&
    (s.openAlertSeverities.includes('high') || s.category === 'unauthorized_order' || s.category === 'impersonation')
  )
    return 'high';
  if (!s.linked) return s.category === 'phishing' || s.category === 'other' ? 'low' : 'normal';
  return 'normal';
}
