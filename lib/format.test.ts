import { describe, expect, it } from 'vitest';
import { countryName, formatChange, formatCount, formatRate } from './format';

describe('display formats', () => {
  it('formats rates, with no denominator as a dash', () => {
    expect(formatRate(0.8793)).toBe('87.9 %');
    expect(formatRate(3)).toBe('300.0 %');
    expect(formatRate(null)).toBe('—');
    expect(formatCount(12345)).toBe('12,345');
  });

  it('compares counts relatively and rates in points', () => {
    expect(formatChange(112, 100, 'count', 'previous period')).toBe('+12 % vs previous period');
    expect(formatChange(50, 100, 'count', 'previous period')).toBe('-50 % vs previous period');
    expect(formatChange(5, 0, 'count', 'the 24 h before')).toBe('none in the 24 h before');
    expect(formatChange(0, 0, 'count', 'the 24 h before')).toBe('none in the 24 h before either');
    expect(formatChange(0.879, 0.928, 'rate', 'previous period')).toBe('-4.9 pts vs previous period');
    expect(formatChange(0.3, null, 'rate', 'previous period')).toBe('no data for previous period');
  });

  it('names countries, keeping unknown codes', () => {
    expect(countryName('GB')).toBe('United Kingdom');
    expect(countryName(null)).toBe('Unknown');
  });
});
