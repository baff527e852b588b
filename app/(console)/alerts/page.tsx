import { formatDistanceStrict } from 'date-fns';
import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { pageContext } from '@/app/_adapters/page-context';
import { AlertQueue } from '@/components/alerts/alert-queue';
import { AutoRefresh } from '@/components/alerts/auto-refresh';
import { AssigneeFilter } from '@/components/forms/assignee-filter';
import { LabeledSelect } from '@/components/forms/labeled-select';
import { EmptyState } from '@/components/ui/empty-state';
import { FilterActions } from '@/components/ui/filter-actions';
import { buttonSecondary } from '@/components/ui/styles';
import { describeAlert } from '@/lib/alerts/describe-alert';
import { can } from '@/lib/auth/permissions';
import { alertQueue, alertRules, alertSeverities, assignableStaff, parseQueueFilters } from '@/lib/alerts/alert-reads';
import { rules } from '@/lib/detection/rules';
import { param, type SearchParams } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Alerts' };

const statusOptions = [
  { value: 'open', label: 'Open' },
  { value: 'acknowledged', label: 'Acknowledged' },
  { value: 'resolved', label: 'Resolved' },
  { value: 'dismissed', label: 'Dismissed' },
  { value: 'all', label: 'Any status' },
];

export default async function AlertsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext();
  if (!can(ctx.actor, 'alerts.view')) notFound();
  const query = await searchParams;
  const filters = parseQueueFilters(
    Object.fromEntries(['rule', 'severity', 'status', 'assignee', 'since', 'until'].map((k) => [k, param(query, k)])),
  );
  const [queue, staff] = await Promise.all([alertQueue(ctx, filters), assignableStaff(ctx)]);
  const now = new Date();
  const rows = queue.alerts.map((a) => ({
    ...a,
    description: describeAlert(a.rule, a.details),
    detectedAgo: formatDistanceStrict(a.detectedAt, now, { addSuffix: true }),
  }));
  const filtered = Object.entries(filters).some(([k, v]) => v !== undefined && !(k === 'status' && v === 'active'));
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Alerts</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            {filters.status === 'active' ? 'Open and acknowledged alerts' : 'Alerts'}, most severe first, then the
            longest waiting. New alerts appear on their own.
          </p>
        </div>
        <Link href="/alerts/rules" className={buttonSecondary}>
          Detection rules
        </Link>
      </div>
      <form method="get" action="/alerts" className="flex flex-wrap items-end gap-3" aria-label="Filter alerts">
        <LabeledSelect
          id="f-status"
          name="status"
          label="Status"
          value={filters.status === 'active' ? '' : filters.status}
          options={statusOptions}
        />
        <LabeledSelect
          id="f-severity"
          name="severity"
          label="Severity"
          value={filters.severity}
          options={alertSeverities.map((s) => ({ value: s, label: s }))}
        />
        <LabeledSelect
          id="f-rule"
          name="rule"
          label="Rule"
          value={filters.rule}
          options={alertRules.map((r) => ({ value: r, label: rules[r].title }))}
        />
        <AssigneeFilter id="f-assignee" value={filters.assignee} staff={staff} />
        <div>
          <label htmlFor="f-since" className="block text-xs font-medium text-slate-600 dark:text-slate-400">
            Active since (UTC)
          </label>
          <input
            id="f-since"
            name="since"
            type="datetime-local"
            defaultValue={filters.since?.slice(0, 16)}
            className="mt-1 block rounded-md border border-slate-300 bg-white px-2.5 py-1.5 text-sm dark:border-slate-700 dark:bg-slate-950"
          />
        </div>
        <FilterActions clearHref="/alerts" filtered={filtered} />
      </form>
      {rows.length === 0 ? (
        <EmptyState title={filtered ? 'No alerts match these filters' : 'No open alerts'}>
          {filtered
            ? 'Widen the filters or clear them.'
            : 'Detection runs on every batch the platform sends; alerts appear here within seconds.'}
        </EmptyState>
      ) : (
        <AlertQueue rows={rows} canManage={can(ctx.actor, 'alerts.manage')} />
      )}
      {queue.total > rows.length ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Showing the first {rows.length} of {queue.total}; narrow the filters to see the rest.
        </p>
      ) : null}
      <AutoRefresh seconds={5} />
    </div>
  );
}
