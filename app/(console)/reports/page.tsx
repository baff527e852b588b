import { formatDistanceStrict } from 'date-fns';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { pageContext } from '@/app/_adapters/page-context';
import { AutoRefresh } from '@/components/alerts/auto-refresh';
import { AssigneeFilter } from '@/components/forms/assignee-filter';
import { LabeledSelect } from '@/components/forms/labeled-select';
import { categoryLabels } from '@/components/reports/report-badges';
import { ReportQueue } from '@/components/reports/report-queue';
import { EmptyState } from '@/components/ui/empty-state';
import { FilterActions } from '@/components/ui/filter-actions';
import { buttonSecondary } from '@/components/ui/styles';
import { can } from '@/lib/auth/permissions';
import { assignableStaff } from '@/lib/alerts/alert-reads';
import {
  reportCategories,
  reportPriorities,
  ReportQueueFilters,
  reportQueue,
  reportStatuses,
} from '@/lib/reports/report-reads';
import { param, type SearchParams } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Reports' };

export default async function ReportsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext();
  if (!can(ctx.actor, 'reports.view')) notFound();
  const query = await searchParams;
  const filters = ReportQueueFilters.parse(
    Object.fromEntries(
      ['status', 'category', 'priority', 'assignee', 'breached'].map((k) => [k, param(query, k) || undefined]),
    ),
  );
  const [queue, staff] = await Promise.all([reportQueue(ctx, filters), assignableStaff(ctx)]);
  const now = new Date();
  const rows = queue.reports.map((r) => ({
    id: r.id,
    reference: r.reference,
    category: r.category,
    status: r.status,
    priority: r.priority,
    due: formatDistanceStrict(r.dueAt, now, { addSuffix: true }),
    overdue: r.dueAt < now && !['resolved', 'rejected'].includes(r.status),
    accountId: r.accountId,
    accountLabel: r.accountName ?? r.accountExternalId,
    assignee: r.assignee?.name ?? null,
    descriptionStart: r.descriptionStart,
    version: r.version,
  }));
  const filtered = Object.entries(filters).some(([k, v]) => v !== undefined && !(k === 'status' && v === 'open'));
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Fraud reports</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            What customers reported, most urgent first, then the earliest due. New reports appear on their own.
          </p>
        </div>
        <Link href="/reports/campaigns" className={buttonSecondary}>
          Campaigns
        </Link>
      </div>
      <form method="get" action="/reports" className="flex flex-wrap items-end gap-3" aria-label="Filter reports">
        <LabeledSelect
          id="r-status"
          name="status"
          label="Status"
          value={filters.status === 'open' ? '' : filters.status}
          emptyLabel="open (not closed)"
          options={[
            ...reportStatuses.map((s) => ({ value: s, label: s.replace('_', ' ') })),
            { value: 'all', label: 'any status' },
          ]}
        />
        <LabeledSelect
          id="r-category"
          name="category"
          label="Category"
          value={filters.category}
          options={reportCategories.map((c) => ({ value: c, label: categoryLabels[c] ?? c }))}
        />
        <LabeledSelect
          id="r-priority"
          name="priority"
          label="Priority"
          value={filters.priority}
          options={reportPriorities.map((p) => ({ value: p, label: p }))}
        />
        <AssigneeFilter id="r-assignee" value={filters.assignee} staff={staff} />
        <label className="flex items-center gap-1.5 pb-1.5 text-sm">
          <input
            type="checkbox"
            name="breached"
            value="1"
            defaultChecked={filters.breached === '1'}
            className="h-4 w-4"
          />{' '}
          SLA breached
        </label>
        <FilterActions clearHref="/reports" filtered={filtered} />
      </form>
      {rows.length === 0 ? (
        <EmptyState title={filtered ? 'No reports match these filters' : 'No open reports'}>
          Reports customers file on /report appear here within seconds.
        </EmptyState>
      ) : (
        <ReportQueue rows={rows} canTriage={can(ctx.actor, 'reports.triage')} staff={staff} />
      )}
      {queue.total > rows.length ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Showing the first {rows.length} of {queue.total}.
        </p>
      ) : null}
      <AutoRefresh seconds={10} />
    </div>
  );
}
