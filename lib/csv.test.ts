import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('CSV export', () => {
  it('neutralises formulas and quotes what needs quoting, keeping numbers as numbers', () => {
    const csv = toCsv([
      { key: '=HYPERLINK("http://evil.example","x")', n: -3, note: 'a,b' },
      { key: '+1', n: 0.25, note: '@SUM(A1)' },
      { key: '<script>alert(1)</script>', n: 7, note: 'line\nbreak' },
    ]);
    expect(csv.split('\r\n')).toEqual([
      'key,n,note',
      `"'=HYPERLINK(""http://evil.example"",""x"")",-3,"a,b"`,
      `'+1,0.25,'@SUM(A1)`,
      '<script>alert(1)</script>,7,"line\nbreak"',
    ]);
  });
});
