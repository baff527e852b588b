import { hourMs, type DetectionEvent, type RuleDefinition } from '../types';

/** What makes a contact change dangerous when it follows soon after. */
export function isRiskyAfterContactChange(e: DetectionEvent): boolean {
  return (e.type === 'account.2fa_changed' && e.enabled === false) || e.type === 'account.password_changed' || (e.type === 'otp.issued' && e.purpose === 'transaction');
}

/**
 * Contact change, then risk (the SIM-swap / account-takeover pattern): an `account.contact_changed`
 * followed within `windowHours` by 2FA turned off, a password change, or a transaction code being issued.
 */
export const contactChangeThenRisk: RuleDefinition<'contact_change_then_risk'> = {
  rule: 'contact_change_then_risk',
  subject: 'account',
  severity: 'critical',
  title: 'Contact change, then risk',
  describe: (s) => `A changed e-mail or phone followed within ${s.windowHours} h by 2FA turned off, a password change or a transaction code.`,
  evaluate({ events }, s) {
    const window = s.windowHours * hourMs;
    const hits = [];
    for (const change of events.filter((e) => e.type === 'account.contact_changed')) {
      const risks = events.filter((e) => e.occurredAt > change.occurredAt && e.occurredAt - change.occurredAt <= window && isRiskyAfterContactChange(e));
      if (risks.length === 0) continue;
      hits.push({
        evidence: [change, ...risks],
        details: {
          field: change.field ?? null,
          followedBy: [...new Set(risks.map((e) => (e.type === 'otp.issued' ? 'transaction_otp' : e.type === 'account.password_changed' ? 'password_changed' : '2fa_disabled')))],
        },
      });
    }
    return hits;
  },
};
