import { describe, expect, it } from 'vitest';
import { scrubJson, valuePattern } from './erase-account';

describe('the values erasure replaces', () => {
  const pattern = valuePattern(['2026', '198.51.100.7', 'ada@example.com'])!;
  const scrub = (text: string) => text.replace(pattern, '[erased]');

  it('are whole tokens: a short numeric platform id in words, never inside a date, an address, a number or a UUID', () => {
    expect(scrub('Customer 2026 called (ref 2026).')).toBe('Customer [erased] called (ref [erased]).');
    expect(scrub('order 42026, 20261')).toBe('order 42026, 20261');
    expect(scrub('at 2026-03-07T10:00:00Z')).toBe('at 2026-03-07T10:00:00Z');
    expect(scrub('from 10.0.0.2026 and 2026.5')).toBe('from 10.0.0.2026 and 2026.5');
    expect(scrub('id 8c1f2026-1b2c-4d2026-a1b2-c3d4e5f60718')).toBe('id 8c1f2026-1b2c-4d2026-a1b2-c3d4e5f60718');
    expect(scrub('signed in from 198.51.100.7.')).toBe('signed in from [erased].');
    expect(scrub('not 198.51.100.77 nor 198.51.100.7/24')).toBe('not 198.51.100.77 nor 198.51.100.7/24');
    expect(scrub('mail ada@example.com, not bada@example.com')).toBe('mail [erased], not bada@example.com');
  });

  it('inside JSON: in string values and keys only, the document stays valid', () => {
    const doc = { at: '2026-03-07T10:00:00Z', by: 2026, note: 'customer 2026', list: ['2026', { 2026: 'x' }] };
    const out = scrubJson(doc, pattern);
    expect(out).toEqual({
      at: '2026-03-07T10:00:00Z',
      by: 2026,
      note: 'customer [erased]',
      list: ['[erased]', { '[erased]': 'x' }],
    });
    expect(JSON.parse(JSON.stringify(out))).toEqual(out);
  });

  it('none: nothing to match', () => {
    expect(valuePattern([])).toBeNull();
  });
});
