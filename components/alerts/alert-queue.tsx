'use client';

import clsx from 'clsx';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useActionState, useEffect, useRef, useState, useTransition } from 'react';
import { bulkAlertAction, changeAlertAction } from '@/app/(console)/alerts/actions';
import { ActionMessage } from '@/components/forms/action-message';
import { DataTable } from '@/components/tables/data-table';
import { buttonDanger, buttonSecondary, input, mono, td } from '@/components/ui/styles';
import type { ActionResult } from '@/lib/actions/action-result';
import type { AlertView } from '@/lib/alerts/alert-reads';
import { AlertStatusBadge, SeverityBadge } from './alert-badges';

export type QueueRow = AlertView & { description: string; detectedAgo: string };

const typing = (target: EventTarget | null) =>
  target instanceof HTMLElement &&
  (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName));

/**
 * The triage queue: select rows for bulk acknowledge / dismiss, or work from the keyboard — j/k move,
 * x selects, a assigns to me, e acknowledges, Enter opens.
 */
export function AlertQueue({ rows, canManage }: { rows: QueueRow[]; canManage: boolean }) {
  const router = useRouter();
  const [focus, setFocus] = useState(0);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [quick, setQuick] = useState<ActionResult | null>(null);
  const [, startTransition] = useTransition();
  const [bulkState, bulkAction, bulkPending] = useActionState(async (previous: unknown, form: FormData) => {
    const result = await bulkAlertAction(previous, form);
    if (result.ok) setSelected(new Set());
    return result;
  }, null);
  const rowRefs = useRef<(HTMLTableRowElement | null)[]>([]);
  const visible = rows.filter((r) => selected.has(r.id));

  useEffect(() => {
    const quickAction = (intent: 'assign-me' | 'acknowledge', row: QueueRow) =>
      startTransition(async () => {
        setQuick(await changeAlertAction({ intent, alertId: row.id, version: row.version }));
        router.refresh();
      });
    const onKey = (event: KeyboardEvent) => {
      if (typing(event.target) || event.metaKey || event.ctrlKey || event.altKey || rows.length === 0) return;
      const index = Math.min(focus, rows.length - 1);
      const row = rows[index]!;
      const move = (to: number) => {
        const next = Math.max(0, Math.min(rows.length - 1, to));
        setFocus(next);
        rowRefs.current[next]?.focus();
      };
      if (event.key === 'j') move(index + 1);
      else if (event.key === 'k') move(index - 1);
      else if (event.key === 'x' && canManage)
        setSelected((s) => new Set(s.has(row.id) ? [...s].filter((id) => id !== row.id) : [...s, row.id]));
      else if (event.key === 'a' && canManage) quickAction('assign-me', row);
      else if (event.key === 'e' && canManage) quickAction('acknowledge', row);
      else if (event.key === 'Enter' && document.activeElement === rowRefs.current[index])
        router.push(`/alerts/${row.id}`);
      else return;
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [rows, focus, canManage, router]);

  const toggle = (id: string) => setSelected((s) => new Set(s.has(id) ? [...s].filter((x) => x !== id) : [...s, id]));
  const selection = JSON.stringify(visible.map((r) => ({ alertId: r.id, version: r.version })));

  return (
    <div className="space-y-3">
      {canManage ? (
        <div className="flex min-h-10 flex-wrap items-center gap-2 rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm dark:border-slate-800 dark:bg-slate-900">
          {visible.length === 0 ? (
            <span className="text-slate-600 dark:text-slate-400">
              Select alerts to acknowledge or dismiss them together. Keys: <kbd className={mono}>j</kbd>/
              <kbd className={mono}>k</kbd> move · <kbd className={mono}>x</kbd> select · <kbd className={mono}>a</kbd>{' '}
              assign to me · <kbd className={mono}>e</kbd> acknowledge · <kbd className={mono}>Enter</kbd> open
            </span>
          ) : (
            <>
              <span className="font-medium">{visible.length} selected</span>
              <form action={bulkAction}>
                <input type="hidden" name="to" value="acknowledged" />
                <input type="hidden" name="selection" value={selection} />
                <button type="submit" className={buttonSecondary} disabled={bulkPending}>
                  Acknowledge
                </button>
              </form>
              <form action={bulkAction} className="flex flex-wrap items-center gap-2">
                <input type="hidden" name="to" value="dismissed" />
                <input type="hidden" name="selection" value={selection} />
                <label htmlFor="bulk-reason" className="sr-only">
                  Reason for dismissing
                </label>
                <input
                  id="bulk-reason"
                  name="reason"
                  required
                  maxLength={1000}
                  placeholder="Reason (required to dismiss)"
                  className={`${input} w-64`}
                />
                <button type="submit" className={buttonDanger} disabled={bulkPending}>
                  Dismiss
                </button>
              </form>
              <button
                type="button"
                className="text-sm text-slate-600 underline dark:text-slate-400"
                onClick={() => setSelected(new Set())}
              >
                Clear
              </button>
            </>
          )}
        </div>
      ) : null}
      <ActionMessage state={bulkState} />
      <ActionMessage state={quick} />
      <DataTable
        label="Alert queue"
        columns={[
          ...(canManage ? ['Select'] : []),
          'Severity',
          'Alert',
          'Subject',
          'Activity (event time)',
          'Status',
          'Assignee',
          'Detected',
        ]}
      >
        {rows.map((r, i) => (
          <tr
            key={r.id}
            ref={(el) => {
              rowRefs.current[i] = el;
            }}
            tabIndex={i === focus ? 0 : -1}
            onFocus={() => setFocus(i)}
            aria-selected={selected.has(r.id)}
            data-testid="alert-row"
            className={clsx(
              'outline-none focus:bg-indigo-50 focus:ring-2 focus:ring-indigo-500 focus:ring-inset dark:focus:bg-indigo-950',
              selected.has(r.id) && 'bg-amber-50 dark:bg-amber-950/40',
            )}
          >
            {canManage ? (
              <td className={td}>
                <input
                  type="checkbox"
                  aria-label={`Select ${r.title} on ${r.subject.id}`}
                  checked={selected.has(r.id)}
                  onChange={() => toggle(r.id)}
                  className="h-4 w-4"
                />
              </td>
            ) : null}
            <td className={td}>
              <SeverityBadge severity={r.severity} />
            </td>
            <td className={td}>
              <Link
                href={`/alerts/${r.id}`}
                className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
              >
                {r.title}
              </Link>
              <div className="text-xs text-slate-600 dark:text-slate-400">{r.description}</div>
            </td>
            <td className={td}>
              {r.subject.type === 'account' && r.accountId ? (
                <Link href={`/accounts/${r.accountId}`} className="hover:underline">
                  {r.accountName ?? <span className={mono}>{r.subject.id}</span>}
                </Link>
              ) : (
                <span className={`${mono} whitespace-nowrap`}>
                  {r.subject.type === 'prefix' ? `Numbers ${r.subject.id}…` : `IP ${r.subject.id}`}
                </span>
              )}
            </td>
            <td className={`${td} text-xs whitespace-nowrap`}>
              {r.firstSeen.toISOString().slice(0, 16).replace('T', ' ')} UTC
              <div className="text-slate-600 dark:text-slate-400">
                {r.hitCount} hit{r.hitCount === 1 ? '' : 's'} · {r.evidenceCount} event
                {r.evidenceCount === 1 ? '' : 's'}
              </div>
            </td>
            <td className={td}>
              <AlertStatusBadge status={r.status} />
            </td>
            <td className={`${td} text-sm`}>
              {r.assignee?.name ?? <span className="text-slate-500">unassigned</span>}
            </td>
            <td className={`${td} text-xs whitespace-nowrap text-slate-600 dark:text-slate-400`}>{r.detectedAgo}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
