import { describe, expect, it } from 'vitest';
import { reportPriority, slaHours, type PrioritySignals } from './priority';

const base: PrioritySignals = {
  category: 'unrequested_code',
  linked: true,
  recentCodes: 2,
  recentFailures: 0,
  newDeviceLogin: false,
  recentContactChange: false,
  openAlertSeverities: [],
};

describe('report priority', () => {
  it('an unrequested code plus a failed code or a new-device login is high', () => {
    expect(reportPriority(base)).toBe('normal');
    expect(reportPriority({ ...base, recentFailures: 1 })).toBe('high');
    expect(reportPriority({ ...base, newDeviceLogin: true })).toBe('high');
  });

  it('signs of a takeover under way are urgent; no matching account is low or normal', () => {
    expect(reportPriority({ ...base, openAlertSeverities: ['critical'] })).toBe('urgent');
    expect(reportPriority({ ...base, category: 'impersonation', recentContactChange: true })).toBe('urgent');
    expect(reportPriority({ ...base, linked: false, category: 'phishing' })).toBe('low');
    expect(reportPriority({ ...base, linked: false, recentFailures: 3 })).toBe('normal');
  });

  it('SLAs are 72 / 24 / 8 / 2 hours', () => {
    expect(slaHours).toEqual({ low: 72, normal: 24, high: 8, urgent: 2 });
  });
});
