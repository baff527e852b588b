'use client';

import clsx from 'clsx';
import Link from 'next/link';
import { useActionState, useState } from 'react';
import { bulkReportAction } from '@/app/(console)/reports/actions';
import { ActionMessage } from '@/components/forms/action-message';
import { DataTable } from '@/components/tables/data-table';
import { buttonSecondary, input, mono, td } from '@/components/ui/styles';
import { categoryLabels, PriorityBadge, ReportStatusBadge } from './report-badges';

export interface QueueReport {
  id: string;
  reference: string;
  category: string;
  status: string;
  priority: string;
  due: string;
  overdue: boolean;
  accountId: string | null;
  accountLabel: string | null;
  assignee: string | null;
  descriptionStart: string;
  version: number;
}

/** The report queue with selection for bulk assign and bulk close as duplicate. */
export function ReportQueue({
  rows,
  canTriage,
  staff,
}: {
  rows: QueueReport[];
  canTriage: boolean;
  staff: { id: string; name: string }[];
}) {
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [state, action, pending] = useActionState(async (previous: unknown, form: FormData) => {
    const result = await bulkReportAction(previous, form);
    if (result.ok) setSelected(new Set());
    return result;
  }, null);
  const selection = JSON.stringify(
    rows.filter((r) => selected.has(r.id)).map((r) => ({ reportId: r.id, version: r.version })),
  );
  const toggle = (id: string) => setSelected((s) => new Set(s.has(id) ? [...s].filter((x) => x !== id) : [...s, id]));
  return (
    <div className="space-y-3">
      {canTriage && selected.size > 0 ? (
        <div className="flex flex-wrap items-center gap-2 rounded-lg border border-slate-200 bg-white px-3 py-2 text-sm dark:border-slate-800 dark:bg-slate-900">
          <span className="font-medium">{selected.size} selected</span>
          <form action={action} className="flex items-center gap-2">
            <input type="hidden" name="operation" value="assign" />
            <input type="hidden" name="selection" value={selection} />
            <label htmlFor="bulk-assignee" className="sr-only">
              Assign to
            </label>
            <select id="bulk-assignee" name="assigneeId" required className={input} defaultValue="">
              <option value="" disabled>
                Assign to…
              </option>
              {staff.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
            <button type="submit" className={buttonSecondary} disabled={pending}>
              Assign
            </button>
          </form>
          <form action={action}>
            <input type="hidden" name="operation" value="close_duplicate" />
            <input type="hidden" name="selection" value={selection} />
            <button type="submit" className={buttonSecondary} disabled={pending}>
              Close as duplicate
            </button>
          </form>
        </div>
      ) : null}
      <ActionMessage state={state} />
      <DataTable
        label="Report queue"
        columns={[...(canTriage ? ['Select'] : []), 'Priority', 'Report', 'Account', 'Status', 'Due', 'Assignee']}
      >
        {rows.map((r) => (
          <tr
            key={r.id}
            data-testid="report-row"
            className={clsx(selected.has(r.id) && 'bg-amber-50 dark:bg-amber-950/40')}
          >
            {canTriage ? (
              <td className={td}>
                <input
                  type="checkbox"
                  className="h-4 w-4"
                  aria-label={`Select ${r.reference}`}
                  checked={selected.has(r.id)}
                  onChange={() => toggle(r.id)}
                />
              </td>
            ) : null}
            <td className={td}>
              <PriorityBadge priority={r.priority} />
            </td>
            <td className={td}>
              <Link
                href={`/reports/${r.id}`}
                className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
              >
                {r.reference}
              </Link>{' '}
              <span className="text-xs text-slate-600 dark:text-slate-400">
                {categoryLabels[r.category] ?? r.category}
              </span>
              <div className="max-w-md truncate text-xs text-slate-600 dark:text-slate-400">{r.descriptionStart}</div>
            </td>
            <td className={td}>
              {r.accountId ? (
                <Link href={`/accounts/${r.accountId}`} className="hover:underline">
                  {r.accountLabel}
                </Link>
              ) : (
                <span className="text-slate-500">no match</span>
              )}
            </td>
            <td className={td}>
              <ReportStatusBadge status={r.status} />
            </td>
            <td
              className={clsx(
                td,
                'text-xs whitespace-nowrap',
                r.overdue ? 'font-semibold text-red-700 dark:text-red-300' : 'text-slate-600 dark:text-slate-400',
              )}
            >
              {r.overdue ? 'overdue · ' : ''}
              {r.due}
            </td>
            <td className={`${td} text-sm`}>{r.assignee ?? <span className={`${mono} text-slate-500`}>—</span>}</td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}
