import { dayMs, minuteMs, type DetectionEvent, type RuleDefinition } from '../types';

/** How long before a login its own sign-in steps (the 2FA code) happen; codes live at most 10 minutes. */
const signInMs = 15 * minuteMs;

/**
 * Events that show the customer was really there: a successful login, a verified code, a change to the
 * account. Failed tries and codes merely sent do not count (an attacker's failed attempts would otherwise
 * vouch for his own device), nor does the login's own 2FA code (every new-device login verifies one from
 * that device seconds earlier, which would hide it).
 */
function vouches(e: DetectionEvent, login: DetectionEvent): boolean {
  if (e.type === 'login.succeeded' || e.type.startsWith('account.')) return true;
  if (e.type !== 'otp.verified') return false;
  return !(e.purpose === 'login' && login.occurredAt - e.occurredAt <= signInMs);
}

/**
 * New device in a new country: a successful login whose device id and country were both never seen in the
 * account's events of the previous `lookbackDays` days (events that show the customer was there; see
 * `vouches`). Accounts younger than `minAccountAgeDays` (counted from their earliest event) are left out:
 * they have no history yet.
 */
export const newDeviceNewCountry: RuleDefinition<'new_device_new_country'> = {
  rule: 'new_device_new_country',
  subject: 'account',
  severity: 'medium',
  title: 'New device in a new country',
  describe: (s) => `A successful login from a device and a country not seen in the account's successful logins of the previous ${s.lookbackDays} days (accounts younger than ${s.minAccountAgeDays} days excluded).`,
  evaluate({ events, accountFirstEventAt }, s) {
    const lookback = s.lookbackDays * dayMs;
    const hits = [];
    for (const [i, login] of events.entries()) {
      const { deviceId, country, occurredAt: at } = login;
      if (login.type !== 'login.succeeded' || !deviceId || !country) continue;
      if (accountFirstEventAt === undefined || at - accountFirstEventAt < s.minAccountAgeDays * dayMs) continue;
      const history = events.slice(0, i).filter((e) => at - e.occurredAt <= lookback && vouches(e, login));
      if (history.some((e) => e.deviceId === deviceId || e.country === country)) continue;
      const knownCountries = [...new Set(history.map((e) => e.country).filter(Boolean))].slice(0, 10);
      hits.push({ evidence: [login], details: { deviceId, country, ip: login.ip ?? null, knownCountries } });
    }
    return hits;
  },
};
