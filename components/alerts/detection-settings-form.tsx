'use client';

import { useActionState } from 'react';
import { detectionSettingsAction } from '@/app/(console)/alerts/actions';
import { ActionMessage } from '@/components/forms/action-message';
import { buttonPrimary, input } from '@/components/ui/styles';
import type { AlertSeverity } from '@/lib/alerts/alert-reads';
import { SeverityBadge } from './alert-badges';
import { RulePreview } from './rule-preview';

export interface RuleForm {
  rule: string;
  title: string;
  severity: AlertSeverity;
  /** What the rule watches: the preview says what it read. */
  subject: 'account' | 'ip' | 'prefix';
  description: string;
  enabled: boolean;
  fields: { key: string; label: string; value: number; min: number; max: number; unit: string }[];
}

/** Every rule with its switch and thresholds, saved together (one audit row lists what changed). */
export function DetectionSettingsForm({
  rules,
  canEdit,
  canPreview,
}: {
  rules: RuleForm[];
  canEdit: boolean;
  /** Try a rule's thresholds as typed on stored history before saving (components/alerts/rule-preview.tsx). */
  canPreview: boolean;
}) {
  const [state, action, pending] = useActionState(detectionSettingsAction, null);
  return (
    <form action={action} className="space-y-4" aria-label="Detection rules">
      <input type="hidden" name="rules" value={rules.map((r) => r.rule).join(',')} />
      <fieldset disabled={!canEdit || pending} className="grid gap-4 lg:grid-cols-2">
        {rules.map((r) => (
          <section
            key={r.rule}
            aria-labelledby={`rule-${r.rule}`}
            className="rounded-lg border border-slate-200 bg-white p-4 dark:border-slate-800 dark:bg-slate-900"
          >
            <div className="flex items-start justify-between gap-3">
              <div>
                <h2 id={`rule-${r.rule}`} className="text-sm font-semibold">
                  {r.title} <SeverityBadge severity={r.severity} />
                </h2>
                <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">{r.description}</p>
              </div>
              <label className="flex shrink-0 items-center gap-1.5 text-sm">
                <input type="checkbox" name={`${r.rule}.enabled`} defaultChecked={r.enabled} className="h-4 w-4" />
                On
              </label>
            </div>
            <div className="mt-3 flex flex-wrap gap-3">
              {r.fields.map((f) => (
                <div key={f.key}>
                  <label
                    htmlFor={`${r.rule}.${f.key}`}
                    className="block text-xs font-medium text-slate-600 dark:text-slate-400"
                  >
                    {f.label}
                  </label>
                  <div className="mt-1 flex items-center gap-1.5">
                    <input
                      id={`${r.rule}.${f.key}`}
                      name={`${r.rule}.${f.key}`}
                      type="number"
                      required
                      min={f.min}
                      max={f.max}
                      step={1}
                      defaultValue={f.value}
                      className={`${input} w-24`}
                    />
                    <span className="text-xs text-slate-600 dark:text-slate-400">{f.unit}</span>
                  </div>
                </div>
              ))}
            </div>
            {canPreview ? <RulePreview rule={r.rule} subject={r.subject} /> : null}
          </section>
        ))}
      </fieldset>
      {canEdit ? (
        <div className="flex items-center gap-3">
          <button type="submit" className={buttonPrimary} disabled={pending}>
            Save detection rules
          </button>
          <ActionMessage state={state} />
        </div>
      ) : (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Analysts and admins change these; your role reads them.
        </p>
      )}
    </form>
  );
}
