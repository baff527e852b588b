import type { DetectionEvent } from '../types';

/**
 * The runs of events that lie in a window of at most `windowMs` (first to last, inclusive) holding at least
 * `min` events — or `min` distinct keys when `key` is given. Windows that share events merge into one run,
 * so a long burst is one hit, not one per sliding position. Events must be sorted by time.
 */
export function denseRuns(
  events: readonly DetectionEvent[],
  windowMs: number,
  min: number,
  key?: (e: DetectionEvent) => string,
): DetectionEvent[][] {
  const runs: [number, number][] = [];
  const counts = new Map<string, number>();
  let left = 0;
  for (let right = 0; right < events.length; right++) {
    const at = events[right]!.occurredAt;
    if (key) counts.set(key(events[right]!), (counts.get(key(events[right]!)) ?? 0) + 1);
    while (at - events[left]!.occurredAt > windowMs) {
      if (key) {
        const k = key(events[left]!);
        const n = (counts.get(k) ?? 1) - 1;
        if (n === 0) counts.delete(k);
        else counts.set(k, n);
      }
      left += 1;
    }
    const size = key ? counts.size : right - left + 1;
    if (size < min) continue;
    const last = runs.at(-1);
    if (last && left <= last[1]) last[1] = right;
    else runs.push([left, right]);
  }
  return runs.map(([from, to]) => events.slice(from, to + 1));
}

/** Splits events into the stretches between separators (the separators themselves are dropped). */
export function splitAt(
  events: readonly DetectionEvent[],
  isSeparator: (e: DetectionEvent) => boolean,
  keep: (e: DetectionEvent) => boolean,
): DetectionEvent[][] {
  const parts: DetectionEvent[][] = [[]];
  for (const e of events) {
    if (isSeparator(e)) parts.push([]);
    else if (keep(e)) parts.at(-1)!.push(e);
  }
  return parts.filter((p) => p.length > 0);
}

export const distinct = <T>(values: readonly (T | null | undefined)[]): T[] => [
  ...new Set(values.filter((v): v is T => v !== null && v !== undefined)),
];
