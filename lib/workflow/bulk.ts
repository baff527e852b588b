import { isServiceError } from '@/lib/errors';

export interface BulkTally {
  changed: number;
  unchanged: number;
  skipped: number;
}

/**
 * Runs one change per selected record, each on its own (its own version check and audit row), so one record
 * someone else just changed or closed does not block the rest: it is counted as skipped.
 */
export async function changeEach<T>(
  items: readonly T[],
  change: (item: T) => Promise<{ changed: boolean }>,
): Promise<BulkTally> {
  const tally = { changed: 0, unchanged: 0, skipped: 0 };
  for (const item of items) {
    try {
      tally[(await change(item)).changed ? 'changed' : 'unchanged'] += 1;
    } catch (error) {
      if (isServiceError(error) && (error.code === 'conflict' || error.code === 'not_found')) tally.skipped += 1;
      else throw error;
    }
  }
  return tally;
}

/** "2 dismissed, 1 already dismissed, 1 skipped (…)." */
export function bulkSummary(tally: BulkTally, verb: string, skippedWhy: string): string {
  const parts = [`${tally.changed} ${verb}`];
  if (tally.unchanged > 0) parts.push(`${tally.unchanged} already ${verb}`);
  if (tally.skipped > 0) parts.push(`${tally.skipped} skipped (${skippedWhy})`);
  return `${parts.join(', ')}.`;
}
