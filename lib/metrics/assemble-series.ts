/**
 * Turns rollup rows into series of zero-filled buckets plus totals — shared by the OTP and login
 * metrics, which differ only in their counters.
 */
export function assembleSeries<Row extends { bucket: string | Date; key: string }, Counts, Figures>(options: {
  rows: Row[];
  starts: Date[];
  /** Series that are always present (fixed vocabularies); others appear when they have events. */
  fixedKeys: readonly string[];
  sortFound: boolean;
  empty: () => Counts;
  add: (counts: Counts, row: Row) => void;
  figures: (counts: Counts) => Figures;
}): { series: { key: string; buckets: (Figures & { start: string })[] }[]; totals: Figures } {
  const { rows, starts, empty, add, figures } = options;
  const index = new Map(starts.map((d, i) => [d.getTime(), i]));
  const series = new Map<string, Counts[]>(options.fixedKeys.map((k) => [k, starts.map(empty)]));
  const totals = empty();
  for (const row of rows) {
    const i = index.get(new Date(row.bucket).getTime());
    if (i === undefined) continue;
    let buckets = series.get(row.key);
    if (!buckets) series.set(row.key, (buckets = starts.map(empty)));
    add(buckets[i]!, row);
    add(totals, row);
  }
  const keys = [...series.keys()];
  if (options.sortFound) keys.sort();
  return {
    series: keys.map((key) => ({
      key,
      buckets: series.get(key)!.map((c, i) => ({ start: starts[i]!.toISOString(), ...figures(c) })),
    })),
    totals: figures(totals),
  };
}
