/** Next gives each query parameter as string | string[] | undefined; pages want one string. */
export type SearchParams = Record<string, string | string[] | undefined>;

export function param(params: SearchParams, name: string): string | undefined {
  const value = params[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.slice(0, 500);
}

/** The same URL with some parameters replaced (undefined removes one). */
export function hrefWith(
  path: string,
  params: SearchParams,
  changes: Record<string, string | null | undefined>,
): string {
  const next = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    const one = Array.isArray(v) ? v[0] : v;
    if (one !== undefined && !(k in changes)) next.set(k, one);
  }
  for (const [k, v] of Object.entries(changes)) if (v) next.set(k, v);
  const qs = next.toString();
  return qs ? `${path}?${qs}` : path;
}

/**
 * A console `datetime-local` field sends minutes and no zone ("2026-11-26T09:30"); the console's times are
 * UTC, so it is read as UTC. Anything else passes through for the schema to judge.
 */
export function utcFromLocalInput<T>(value: T): T | string {
  return typeof value === 'string' && /^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(value) ? `${value}:00Z` : value;
}
