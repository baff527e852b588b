/** Display formats shared by pages: one place decides how a rate or a count looks. */
export function formatPercent(numerator: number, denominator: number): string {
  if (denominator === 0) return '—';
  return `${((numerator / denominator) * 100).toFixed(1)} %`;
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat('en-US').format(n);
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
