import { dayMs, type EvidenceFacts, type RuleDefinition } from '../types';
import { SeenTracker } from './history';

const isLogin = (e: EvidenceFacts) => e.type === 'login.succeeded';

/**
 * New device in a new country: a successful login whose device id and country were both never seen in the
 * account's events of the previous `lookbackDays` days — events that show the customer was there (see
 * `vouches`: successful logins, verified codes, account changes; not failed tries, nor the login's own 2FA
 * code). Accounts younger than `minAccountAgeDays` (counted from their earliest event) are left out: they
 * have no history yet.
 */
export const newDeviceNewCountry: RuleDefinition<'new_device_new_country'> = {
  rule: 'new_device_new_country',
  subject: 'account',
  severity: 'medium',
  title: 'New device in a new country',
  evidence: isLogin,
  readsHistory: true,
  describe: (s) =>
    `A successful login from a device and a country both unseen in the account's previous ${s.lookbackDays} days (successful logins, verified codes, account changes; accounts younger than ${s.minAccountAgeDays} days excluded).`,
  evaluate({ events, accountFirstEventAt }, s) {
    const lookback = s.lookbackDays * dayMs;
    const seen = new SeenTracker();
    const hits = [];
    for (const e of events) {
      seen.advance(e.occurredAt);
      const { deviceId, country, occurredAt: at } = e;
      const oldEnough = accountFirstEventAt !== undefined && at - accountFirstEventAt >= s.minAccountAgeDays * dayMs;
      if (
        isLogin(e) &&
        deviceId &&
        country &&
        oldEnough &&
        !seen.deviceSeen(deviceId, at, lookback) &&
        !seen.countrySeen(country, at, lookback)
      ) {
        hits.push({
          evidence: [e],
          details: {
            deviceId,
            country,
            ip: e.ip ?? null,
            knownCountries: seen.countriesSeen(at, lookback).slice(0, 10),
          },
        });
      }
      seen.add(e);
    }
    return hits;
  },
};
