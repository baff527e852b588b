'use client';

import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { useState, type MouseEvent } from 'react';
import { buttonSecondary, input } from '@/components/ui/styles';
import type { BacktestJob } from '@/lib/detection/backtest-jobs';

const subjectNouns = { account: 'accounts', ip: 'IP addresses', prefix: 'countries' } as const;
const finished = new Set(['done', 'cancelled', 'failed']);

async function send<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(path, {
    ...init,
    headers: { accept: 'application/json', ...(init?.body ? { 'content-type': 'application/json' } : {}) },
  });
  const body = (await res.json().catch(() => ({}))) as T & { message?: string; fieldErrors?: Record<string, string[]> };
  if (!res.ok) {
    const fields = Object.entries(body.fieldErrors ?? {}).map(([k, v]) => `${k}: ${v.join(', ')}`);
    throw new Error([body.message ?? `The server answered ${res.status}.`, ...fields].join(' '));
  }
  return body;
}

/** The rule's fields as they stand in the form (saved or not): what the preview tries. */
function ruleSettings(form: HTMLFormElement, rule: string): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const el of Array.from(form.elements)) {
    if (!(el instanceof HTMLInputElement) || !el.name.startsWith(`${rule}.`)) continue;
    const key = el.name.slice(rule.length + 1);
    settings[key] = el.type === 'checkbox' ? el.checked : el.value.trim() === '' ? undefined : Number(el.value);
  }
  return settings;
}

function Preview({ rule, subject }: { rule: string; subject: keyof typeof subjectNouns }) {
  const [jobId, setJobId] = useState<string | null>(null);
  const [days, setDays] = useState('30');
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const job = useQuery({
    queryKey: ['backtest', jobId],
    queryFn: () => send<BacktestJob>(`/api/v1/detection/backtests/${jobId}`),
    enabled: jobId !== null,
    refetchInterval: (q) => (q.state.data && finished.has(q.state.data.status) ? false : 1_000),
  });

  const start = async (event: MouseEvent<HTMLButtonElement>) => {
    const form = event.currentTarget.form;
    if (!form) return;
    setError(null);
    setStarting(true);
    try {
      const created = await send<BacktestJob>('/api/v1/detection/backtests', {
        method: 'POST',
        body: JSON.stringify({ rule, settings: ruleSettings(form, rule), days: Number(days) }),
      });
      setJobId(created.id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setStarting(false);
    }
  };
  const cancel = async () => {
    if (!jobId) return;
    try {
      await send<BacktestJob>(`/api/v1/detection/backtests/${jobId}/cancel`, { method: 'POST' });
      await job.refetch();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };

  const current = jobId ? job.data : undefined;
  const running = current !== undefined && !finished.has(current.status);
  const result = current?.status === 'done' ? current.result : null;
  return (
    <div className="mt-3 border-t border-slate-100 pt-3 dark:border-slate-800">
      <div className="flex flex-wrap items-center gap-2">
        <button type="button" onClick={(e) => void start(e)} disabled={starting || running} className={buttonSecondary}>
          Preview on history
        </button>
        <label className="flex items-center gap-1.5 text-xs text-slate-600 dark:text-slate-400">
          over the last
          <select
            aria-label={`Days of history for the ${rule} preview`}
            value={days}
            onChange={(e) => setDays(e.target.value)}
            className={`${input} w-auto py-1`}
          >
            <option value="7">7 days</option>
            <option value="30">30 days</option>
            <option value="90">90 days</option>
          </select>
        </label>
      </div>
      <div aria-live="polite" className="mt-2 text-sm">
        {error ? <p className="text-red-700 dark:text-red-300">{error}</p> : null}
        {job.isError && jobId ? (
          <p className="text-red-700 dark:text-red-300">
            Could not read the preview&apos;s progress: {job.error.message}
          </p>
        ) : null}
        {running ? (
          <div className="flex flex-wrap items-center gap-3">
            <progress
              aria-label="Preview progress"
              max={current.total ?? 1}
              value={current.total ? current.done : undefined}
              className="h-2 w-40"
            />
            <span className="text-xs text-slate-600 dark:text-slate-400">
              {current.status === 'queued'
                ? 'Waiting to start…'
                : current.total === null
                  ? 'Finding what to read…'
                  : `Read ${current.done.toLocaleString('en-US')} of ${current.total.toLocaleString('en-US')} ${subjectNouns[subject]}…`}
            </span>
            <button type="button" onClick={() => void cancel()} className="text-xs underline">
              Cancel
            </button>
          </div>
        ) : null}
        {current?.status === 'cancelled' ? (
          <p className="text-slate-600 dark:text-slate-400">Preview cancelled.</p>
        ) : null}
        {current?.status === 'failed' ? (
          <p className="text-red-700 dark:text-red-300">{current.error ?? 'The preview failed.'}</p>
        ) : null}
        {result ? (
          <div
            role="status"
            aria-label="Preview result"
            className="rounded border border-indigo-200 bg-indigo-50 p-3 dark:border-indigo-900 dark:bg-indigo-950"
          >
            <p>{result.summary}</p>
            <dl className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-700 dark:text-slate-300">
              {[
                ['Would raise', result.wouldRaise],
                ['Raised', result.raised],
                ['Both', result.kept],
                ['New', result.added.count],
                ['No longer raised', result.removed.count],
                [`${subjectNouns[subject][0]!.toUpperCase()}${subjectNouns[subject].slice(1)} read`, result.subjects],
              ].map(([label, value]) => (
                <div key={label} className="flex gap-1">
                  <dt>{label}</dt>
                  <dd className="font-semibold tabular-nums">{Number(value).toLocaleString('en-US')}</dd>
                </div>
              ))}
            </dl>
            <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
              Nothing is saved until you save the rules; this preview is in the audit log.
            </p>
          </div>
        ) : null}
      </div>
    </div>
  );
}

/**
 * Detection rules → a rule's preview: its thresholds as typed, re-run read-only over stored history in the
 * background (lib/detection/backtest-jobs.ts), with progress, cancel, and what would change against what the rule
 * raised and what staff decided.
 */
export function RulePreview(props: { rule: string; subject: keyof typeof subjectNouns }) {
  const [client] = useState(() => new QueryClient({ defaultOptions: { queries: { retry: 1 } } }));
  return (
    <QueryClientProvider client={client}>
      <Preview {...props} />
    </QueryClientProvider>
  );
}
