import { describe, expect, it } from 'vitest';
import { parseExposition, sampleValue } from './exposition-format';

const valid = `# HELP a_total Things, with a \\\\ and a \\n.
# TYPE a_total counter
a_total{kind="x \\"quoted\\""} 3
a_total{kind="y"} 1e3

# HELP lag_seconds Lag.
# TYPE lag_seconds gauge
lag_seconds Nan
# HELP d_seconds Duration.
# TYPE d_seconds histogram
d_seconds_bucket{le="0.1"} 1
d_seconds_bucket{le="+Inf"} 2
d_seconds_sum 0.35
d_seconds_count 2
`;

describe('the exposition-format check used by the /metrics tests', () => {
  it('reads a valid exposition', () => {
    const families = parseExposition(valid);
    expect(families.get('a_total')).toMatchObject({ type: 'counter', help: 'Things, with a \\\\ and a \\n.' });
    expect(sampleValue(families, 'a_total', { kind: 'x "quoted"' })).toBe(3);
    expect(sampleValue(families, 'a_total', { kind: 'y' })).toBe(1000);
    expect(sampleValue(families, 'lag_seconds')).toBeNaN();
    expect(sampleValue(families, 'd_seconds_count')).toBe(2);
  });

  it.each([
    ['no final newline', valid.trimEnd()],
    ['an unquoted label value', valid.replace('{kind="y"}', '{kind=y}')],
    ['a value that is not a number', valid.replace('1e3', 'lots')],
    ['a sample of another family', valid.replace('lag_seconds Nan', 'other_seconds 1')],
    ['a TYPE after samples', `${valid}# TYPE d_seconds histogram\n`],
    ['a stray comment', `${valid}# hello\n`],
    ['buckets that are not cumulative', valid.replace('le="0.1"} 1', 'le="0.1"} 5')],
    ['a +Inf bucket other than the count', valid.replace('d_seconds_count 2', 'd_seconds_count 3')],
    ['a repeated label', valid.replace('{kind="y"}', '{kind="y",kind="z"}')],
  ])('refuses %s', (_, text) => {
    expect(() => parseExposition(text)).toThrow();
  });
});
