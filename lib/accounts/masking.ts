import { parsePhoneNumberFromString } from 'libphonenumber-js';

/** `jane.doe@example.com` → `j***@e***.com`: enough to recognise, not enough to contact. */
export function maskEmail(email: string | null): string | null {
  if (!email) return email;
  const at = email.lastIndexOf('@');
  if (at < 1) return '***';
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const dot = domain.lastIndexOf('.');
  const tld = dot > 0 ? domain.slice(dot) : '';
  const host = dot > 0 ? domain.slice(0, dot) : domain;
  return `${local[0]}***@${host[0] ?? ''}***${tld}`;
}

/** `+447700900123` → `+44 ••• ••• 0123`. */
export function maskPhone(phone: string | null): string | null {
  if (!phone) return phone;
  const digits = phone.replace(/\D/g, '');
  const last4 = digits.slice(-4);
  const parsed = parsePhoneNumberFromString(phone);
  const prefix = parsed ? `+${parsed.countryCallingCode}` : '+';
  return `${prefix} ••• ••• ${last4}`;
}
