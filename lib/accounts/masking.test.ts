import { describe, expect, it } from 'vitest';
import { maskEmail, maskPhone } from './masking';

describe('contact masking for analysts', () => {
  it('keeps the first letters of the mailbox and host and the top-level domain', () => {
    expect(maskEmail('jane.doe@example.com')).toBe('j***@e***.com');
    expect(maskEmail('x@mail.example.co.uk')).toBe('x***@m***.uk');
    expect(maskEmail('broken')).toBe('***');
    expect(maskEmail(null)).toBeNull();
  });

  it('keeps the country calling code and the last four digits', () => {
    expect(maskPhone('+447700900123')).toBe('+44 ••• ••• 0123');
    expect(maskPhone('+13125550147')).toBe('+1 ••• ••• 0147');
    expect(maskPhone('+5511987650043')).toBe('+55 ••• ••• 0043');
    expect(maskPhone(null)).toBeNull();
  });

  it('never leaks more than four digits', () => {
    const masked = maskPhone('+919876543210')!;
    expect(masked.replace(/\D/g, '')).toBe('913210');
  });
});
