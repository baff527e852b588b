import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** The national digits a stored prefix keeps: the rollups count by country calling code + this many. */
export const storedPrefixDigits = 6;

export interface PhonePrefix {
  /** The country calling code, without `+` (`234`). */
  countryCode: string;
  /** `+`, the calling code and the first national digits (`+234803123`). */
  prefix: string;
}

/**
 * Where an E.164 number belongs for the SMS-pumping figures: its calling code, and its prefix of
 * `digits` national digits. Null for a number whose calling code is unknown (nothing to group it by).
 */
export function phonePrefix(e164: string, digits = storedPrefixDigits): PhonePrefix | null {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed?.countryCallingCode || !parsed.nationalNumber) return null;
  const countryCode = String(parsed.countryCallingCode);
  return { countryCode, prefix: `+${countryCode}${String(parsed.nationalNumber).slice(0, digits)}` };
}

/** A stored (calling code + 6 digits) prefix cut to `digits` national digits: `+234803123` → `+234803`. */
export const shortenPrefix = (stored: string, countryCode: string, digits: number) =>
  stored.slice(0, 1 + countryCode.length + digits);

/** Codes that travel to a phone number: the ones a pumping attacker is paid for. */
export const phoneChannels: readonly string[] = ['sms', 'voice'];
