import type { AlertRule } from '@/db/schema';
import { countryName, formatCount, formatRate } from '@/lib/format';

const list = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);
const followed: Record<string, string> = {
  '2fa_disabled': '2FA turned off',
  password_changed: 'a password change',
  transaction_otp: 'a transaction code',
};

/** One line that says what the rule found, from the alert's details, for the queue and the alert page. */
export function describeAlert(rule: AlertRule, d: Record<string, unknown>): string {
  const from =
    list(d.ips).length > 0 ? ` from ${list(d.ips).slice(0, 2).join(', ')}${list(d.ips).length > 2 ? '…' : ''}` : '';
  switch (rule) {
    case 'unrequested_otp_burst':
      return `${formatCount(num(d.issued))} codes issued (${list(d.channels).join(', ').toUpperCase()}) with none used${from}`;
    case 'otp_guessing':
      return `${formatCount(num(d.failures))} wrong codes across ${formatCount(num(d.codes))} code${num(d.codes) === 1 ? '' : 's'}${from}`;
    case 'password_bruteforce':
      return `${formatCount(num(d.failures))} wrong passwords${from}`;
    case 'credential_stuffing':
      return `Failed logins against ${formatCount(num(d.accountCount))} accounts (${formatCount(num(d.failures))} attempts)`;
    case 'new_device_new_country': {
      const known = list(d.knownCountries);
      return `Login from new device ${String(d.deviceId)} in ${countryName(String(d.country))}${known.length > 0 ? ` (before: ${known.map(countryName).join(', ')})` : ''}`;
    }
    case 'impossible_travel':
      return `${[String(d.from), ...list(d.via), String(d.to)].map(countryName).join(' → ')} in ${formatCount(num(d.minutes))} min (${formatCount(num(d.distanceKm))} km apart)`;
    case 'contact_change_then_risk':
      return `${d.field === 'email' ? 'E-mail' : 'Phone'} changed, then ${list(d.followedBy)
        .map((f) => followed[f] ?? f)
        .join(' and ')}`;
    case 'sms_pumping':
      return `${formatCount(num(d.codes))} codes to ${formatCount(num(d.numbers))} numbers under ${String(d.prefix)}, ${formatRate(num(d.verifiedRate))} verified${
        typeof d.othersRate === 'number' ? ` (rest of +${String(d.countryCode)}: ${formatRate(d.othersRate)})` : ''
      }`;
  }
}
