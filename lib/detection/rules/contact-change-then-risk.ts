import { dayMs, hourMs, type DetectionEvent, type EvidenceFacts, type RuleDefinition } from '../types';
import { SeenTracker } from './history';

const isChange = (e: EvidenceFacts) => e.type === 'account.contact_changed';
/** A risk after a change; a transaction code counts only from a device unknown before the change (checked in `evaluate`). */
const mayBeRisk = (e: EvidenceFacts) =>
  (e.type === 'account.2fa_changed' && e.enabled === false) ||
  e.type === 'account.password_changed' ||
  (e.type === 'otp.issued' && e.purpose === 'transaction');

/**
 * Contact change, then risk (the SIM-swap / account-takeover pattern): an `account.contact_changed`
 * followed within `windowHours` by 2FA turned off, a password change, or a transaction code issued to a
 * device the account had not used in the `knownDeviceDays` before the change (or with no device at all).
 *
 * The device condition is for transaction codes only: customers who change their phone and pay the next
 * day from the phone they always use were most of the benchmark's false alarms, while whoever swapped
 * the SIM pays from a device of his own. Turning 2FA off and changing the password always count.
 */
export const contactChangeThenRisk: RuleDefinition<'contact_change_then_risk'> = {
  rule: 'contact_change_then_risk',
  subject: 'account',
  severity: 'critical',
  title: 'Contact change, then risk',
  evidence: (e) => isChange(e) || mayBeRisk(e),
  readsHistory: true,
  describe: (s) =>
    `A changed e-mail or phone followed within ${s.windowHours} h by 2FA turned off, a password change, or a transaction code from a device not used in the ${s.knownDeviceDays} days before the change.`,
  evaluate({ events }, s) {
    const window = s.windowHours * hourMs;
    const knownFor = s.knownDeviceDays * dayMs;
    const seen = new SeenTracker();
    const hits = [];
    for (const change of events) {
      seen.advance(change.occurredAt);
      if (!isChange(change)) {
        seen.add(change);
        continue;
      }
      const known = (e: DetectionEvent) =>
        e.deviceId !== null && e.deviceId !== undefined && seen.deviceSeen(e.deviceId, change.occurredAt, knownFor);
      const risky = (e: DetectionEvent) => mayBeRisk(e) && (e.type !== 'otp.issued' || !known(e));
      const risks = events.filter(
        (e) => e.occurredAt > change.occurredAt && e.occurredAt - change.occurredAt <= window && risky(e),
      );
      seen.add(change);
      if (risks.length === 0) continue;
      hits.push({
        evidence: [change, ...risks],
        details: {
          field: change.field ?? null,
          followedBy: [
            ...new Set(
              risks.map((e) =>
                e.type === 'otp.issued'
                  ? 'transaction_otp'
                  : e.type === 'account.password_changed'
                    ? 'password_changed'
                    : '2fa_disabled',
              ),
            ),
          ],
        },
      });
    }
    return hits;
  },
};
