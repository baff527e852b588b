import { dayMs, type DetectionEvent, type RuleDefinition } from '../types';

/**
 * New device in a new country: a successful login whose device id and country were both never seen in the
 * account's successful logins of the previous `lookbackDays` days. Accounts younger than
 * `minAccountAgeDays` (counted from their earliest event) are left out: they have no history yet.
 *
 * "Seen" means seen in a successful login. Failed tries do not count (an attacker's failed attempts would
 * otherwise vouch for his own device), nor do the codes sent during the sign-in itself (the 2FA check of
 * every new-device login comes from that device seconds earlier and would hide it).
 */
export const newDeviceNewCountry: RuleDefinition<'new_device_new_country'> = {
  rule: 'new_device_new_country',
  subject: 'account',
  severity: 'medium',
  title: 'New device in a new country',
  describe: (s) => `A successful login from a device and a country not seen in the account's successful logins of the previous ${s.lookbackDays} days (accounts younger than ${s.minAccountAgeDays} days excluded).`,
  evaluate({ events, accountFirstEventAt }, s) {
    const lookback = s.lookbackDays * dayMs;
    const lastDevice = new Map<string, number>();
    const lastCountry = new Map<string, number>();
    const hits = [];
    const logins: DetectionEvent[] = events.filter((e) => e.type === 'login.succeeded');
    for (const login of logins) {
      const { deviceId, country, occurredAt: at } = login;
      const oldEnough = accountFirstEventAt !== undefined && at - accountFirstEventAt >= s.minAccountAgeDays * dayMs;
      if (deviceId && country && oldEnough) {
        const deviceSeen = lastDevice.has(deviceId) && at - lastDevice.get(deviceId)! <= lookback;
        const countrySeen = lastCountry.has(country) && at - lastCountry.get(country)! <= lookback;
        if (!deviceSeen && !countrySeen) {
          hits.push({ evidence: [login], details: { deviceId, country, ip: login.ip ?? null, knownCountries: [...lastCountry.keys()].filter((c) => at - lastCountry.get(c)! <= lookback).slice(0, 10) } });
        }
      }
      if (deviceId) lastDevice.set(deviceId, at);
      if (country) lastCountry.set(country, at);
    }
    return hits;
  },
};
