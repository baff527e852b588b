import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { pageContext } from '@/app/_adapters/page-context';
import { DataTable } from '@/components/tables/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { FilterActions } from '@/components/ui/filter-actions';
import { buttonSecondary, input, mono, td } from '@/components/ui/styles';
import { utcLabel } from '@/components/ui/time-ago';
import { can } from '@/lib/auth/permissions';
import { PageLinks } from '@/components/tables/page-links';
import { AuditFilters, auditPage } from '@/lib/audit/audit-log';
import { param, type SearchParams } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Audit log' };

const fields = ['actor', 'action', 'target', 'from', 'to'] as const;

function changes(before: Record<string, unknown> | null, after: Record<string, unknown> | null): string {
  if (!after) return '';
  return Object.entries(after)
    .filter(([k, v]) => JSON.stringify(before?.[k]) !== JSON.stringify(v))
    .map(([k, v]) => `${k}: ${JSON.stringify(before?.[k] ?? null)} → ${JSON.stringify(v)}`)
    .join('; ');
}

export default async function AuditPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext();
  if (!can(ctx.actor, 'audit.view')) notFound();
  const query = await searchParams;
  const raw = Object.fromEntries(fields.map((k) => [k, param(query, k) || undefined]));
  const filters = AuditFilters.parse(raw);
  const page = await auditPage(ctx, filters, {
    after: param(query, 'after'),
    before: param(query, 'before'),
  });
  const rows = page.items;
  const qs = new URLSearchParams(
    Object.entries(raw).filter((e): e is [string, string] => typeof e[1] === 'string'),
  ).toString();
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Audit log</h1>
          <p className="text-sm text-slate-600 dark:text-slate-400">
            Every staff action, newest first. Nobody can edit or delete it: the database refuses.
          </p>
        </div>
        <a href={`/audit/export${qs ? `?${qs}` : ''}`} className={buttonSecondary} download>
          Download CSV
        </a>
      </div>
      <form method="get" action="/audit" className="flex flex-wrap items-end gap-3" aria-label="Search the audit log">
        {[
          { name: 'actor', label: 'Actor (e-mail)', placeholder: 'agent@' },
          { name: 'action', label: 'Action', placeholder: 'account.lock' },
          { name: 'target', label: 'Target', placeholder: 'account id, or type:id' },
        ].map((f) => (
          <div key={f.name}>
            <label htmlFor={`audit-${f.name}`} className="block text-xs font-medium text-slate-600 dark:text-slate-400">
              {f.label}
            </label>
            <input
              id={`audit-${f.name}`}
              name={f.name}
              defaultValue={filters[f.name as 'actor'] ?? ''}
              placeholder={f.placeholder}
              className={`${input} mt-1 w-48`}
            />
          </div>
        ))}
        {(['from', 'to'] as const).map((f) => (
          <div key={f}>
            <label htmlFor={`audit-${f}`} className="block text-xs font-medium text-slate-600 dark:text-slate-400">
              {f === 'from' ? 'From (UTC)' : 'To (UTC)'}
            </label>
            <input
              id={`audit-${f}`}
              name={f}
              type="datetime-local"
              defaultValue={filters[f]?.slice(0, 16)}
              className={`${input} mt-1`}
            />
          </div>
        ))}
        <FilterActions label="Search" clearHref="/audit" filtered={Boolean(qs)} />
      </form>
      {rows.length === 0 ? (
        <EmptyState title="Nothing matches">Widen the time range or clear the search.</EmptyState>
      ) : (
        <DataTable label="Audit entries" columns={['Time (UTC)', 'Actor', 'Action', 'Target', 'Reason', 'Change']}>
          {rows.map((r) => (
            <tr key={r.id}>
              <td className={`${td} whitespace-nowrap`}>{utcLabel(r.occurredAt).replace(' UTC', '')}</td>
              <td className={td}>
                {r.actorEmail} <span className="text-xs text-slate-500">{r.actorRole}</span>
              </td>
              <td className={`${td} ${mono}`}>{r.action}</td>
              <td className={td}>
                {r.targetType === 'account' ? (
                  <Link
                    href={`/accounts/${r.targetId}`}
                    className={`${mono} text-indigo-700 hover:underline dark:text-indigo-300`}
                  >
                    account:{r.targetId.slice(0, 8)}…
                  </Link>
                ) : r.targetType === 'alert' || r.targetType === 'report' ? (
                  <Link
                    href={`/${r.targetType}s/${r.targetId}`}
                    className={`${mono} text-indigo-700 hover:underline dark:text-indigo-300`}
                  >
                    {r.targetType}:{r.targetId.slice(0, 8)}…
                  </Link>
                ) : (
                  <span className={mono}>
                    {r.targetType}:{r.targetId.slice(0, 12)}
                  </span>
                )}
              </td>
              <td className={`${td} max-w-xs`}>{r.reason ?? '—'}</td>
              <td className={`${td} max-w-sm text-xs text-slate-700 dark:text-slate-300`}>
                {changes(r.before, r.after) || '—'}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      <PageLinks path="/audit" params={query} newer={page.newer} older={page.older} />
    </div>
  );
}
