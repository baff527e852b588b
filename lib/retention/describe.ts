import type { RetentionOutcome } from './run-retention';

const rowLabels: Record<keyof RetentionOutcome['rows'], string> = {
  ledger: 'seen-id ledger rows',
  codes: 'code pairings',
  hourly: 'hourly rollup rows',
  daily: 'daily rollup rows',
  cases: 'closed alert and report rows',
  outbox: 'delivered outbox rows',
};

const rowKeys = Object.keys(rowLabels) as (keyof RetentionOutcome['rows'])[];

/** A retention run as lines of text (`vigil retention run`, the log), one per partition, then one per class. */
export function describeOutcome(outcome: RetentionOutcome): string[] {
  const verb = outcome.dryRun ? 'would drop' : 'dropped';
  const lines: string[] = [];
  for (const p of outcome.partitions) {
    const range = `${p.from.slice(0, 10)} to ${p.to.slice(0, 10)}`;
    if (p.outcome === 'retry')
      lines.push(
        `partition ${p.name} (${range}, ${p.rows ?? 'uncounted'} rows): not dropped, its lock was not granted within 1 s; the next run tries again`,
      );
    else
      lines.push(
        `partition ${p.name} (${range}, ${p.rows ?? 'uncounted'} rows${p.countMs !== undefined ? `, counted in ${p.countMs} ms` : ''}): ${verb}${p.lockMs !== undefined ? ` in ${p.lockMs} ms` : ''}${
          p.detachMs !== undefined ? ` (detach ${p.detachMs} ms, drop ${p.dropMs} ms)` : ''
        }`,
      );
  }
  if (outcome.partitions.length === 0) lines.push(`no event partition is past the raw-event window`);
  for (const m of outcome.audit ?? []) {
    const range = `${m.from.slice(0, 10)} to ${m.to.slice(0, 10)}`;
    const what =
      m.outcome === 'dropped'
        ? `dropped${m.lockMs !== undefined ? ` in ${m.lockMs} ms` : ''}`
        : m.outcome === 'due'
          ? 'would drop'
          : m.outcome === 'retry'
            ? 'not dropped, its lock was not granted within 1 s; the next run tries again'
            : m.outcome === 'failed'
              ? 'not dropped: it failed (the log says why); nothing was changed'
              : 'past VIGIL_RETENTION_AUDIT_DAYS: only `vigil retention run` drops it, as the migration role';
    lines.push(`audit month ${m.name} (${range}, ${m.rows ?? 'uncounted'} rows): ${what}`);
  }
  for (const key of rowKeys) {
    lines.push(
      `${rowLabels[key]}: ${outcome.rows[key]} ${outcome.dryRun ? 'would be deleted' : 'deleted'}${outcome.ms ? ` (${outcome.ms[key]} ms)` : ''}`,
    );
  }
  if (outcome.ms)
    lines.push(
      `took: event months ${outcome.ms.partitions} ms, row classes ${rowKeys.reduce((sum, k) => sum + outcome.ms![k], 0)} ms, audit months ${outcome.ms.audit} ms`,
    );
  lines.push(outcome.dryRun ? 'Dry run: nothing was changed.' : 'Retention run finished.');
  return lines;
}
