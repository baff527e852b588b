/** Display formats shared by pages: one place decides how a rate, a count or a change looks. */
export function formatCount(n: number): string {
  return new Intl.NumberFormat('en-US').format(n);
}

/** A rate (a fraction) as a percentage; null (no denominator) is a dash, never 0 %. */
export function formatRate(rate: number | null): string {
  return rate === null ? '—' : `${(rate * 100).toFixed(1)} %`;
}

/**
 * A figure against the same figure in the period before: counts as a relative change, rates as
 * percentage points. `period` names what is compared with ("previous period", "the 24 h before").
 */
export function formatChange(
  current: number | null,
  previous: number | null,
  kind: 'count' | 'rate',
  period: string,
): string {
  if (current === null || previous === null) return `no data for ${period}`;
  if (kind === 'rate')
    return `${current >= previous ? '+' : ''}${((current - previous) * 100).toFixed(1)} pts vs ${period}`;
  if (previous === 0) return current === 0 ? `none in ${period} either` : `none in ${period}`;
  const change = (current - previous) / previous;
  return `${change >= 0 ? '+' : ''}${(change * 100).toFixed(0)} % vs ${period}`;
}

export const countryNames = new Intl.DisplayNames(['en'], { type: 'region' });
export function countryName(code: string | null): string {
  if (!code) return 'Unknown';
  try {
    return countryNames.of(code) ?? code;
  } catch {
    return code;
  }
}
