/** Next gives each query parameter as string | string[] | undefined; pages want one string. */
export type SearchParams = Record<string, string | string[] | undefined>;

export function param(params: SearchParams, name: string): string | undefined {
  const value = params[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.slice(0, 500);
}

/** Every value of a repeated parameter (`kind=login&kind=code`), at most `max` of them. */
export function paramList(params: SearchParams, name: string, max = 20): string[] {
  const value = params[name];
  const all = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return all.slice(0, max).map((v) => v.slice(0, 500));
}

/** The same URL with some parameters replaced (undefined removes one); a repeated parameter keeps its values. */
export function hrefWith(
  path: string,
  params: SearchParams,
  changes: Record<string, string | null | undefined>,
): string {
  const next = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (k in changes || v === undefined) continue;
    for (const one of Array.isArray(v) ? v.slice(0, 20) : [v]) next.append(k, one);
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
