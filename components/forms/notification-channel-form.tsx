'use client';

import { useActionState, useState } from 'react';
import { addChannelAction, removeChannelAction, testChannelAction } from '@/app/(console)/admin/notifications/actions';
import { buttonPrimary, buttonSecondary, input } from '@/components/ui/styles';
import { ActionMessage } from './action-message';
import { RemoveButton } from './remove-button';

const topicHelp: Record<string, string> = {
  'alert.opened': 'an alert opens (or wakes after a quiet day)',
  'alert.escalated': 'an alert is critical, or nobody took it in 30 min',
  'report.filed': 'an urgent or high report is filed',
  'report.sla_breached': 'a report passes its deadline',
  'staff.locked_out': 'failed sign-ins lock a staff account',
  'ingest.stalled': 'the platform stops sending events',
};

const targetHint: Record<string, { label: string; placeholder: string }> = {
  slack: { label: 'Incoming-webhook URL', placeholder: 'https://hooks.slack.com/services/…' },
  webhook: { label: 'Endpoint URL', placeholder: 'https://siem.example.com/hooks/vigil' },
  email: { label: 'E-mail address', placeholder: 'secops@example.com' },
};

/** A new channel: type, where to, which topics and severities, masked or not. Nothing typed is lost on a refusal. */
export function AddChannelForm({ topics }: { topics: readonly string[] }) {
  const [state, action, pending] = useActionState(addChannelAction, null);
  const values = state && !state.ok ? state.values : undefined;
  const [type, setType] = useState(values?.type ?? 'slack');
  const errors = state && !state.ok ? state.fieldErrors : undefined;
  const hint = targetHint[type] ?? targetHint.slack!;
  return (
    <form action={action} className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-[10rem_1fr]">
        <div>
          <label htmlFor="channel-type" className="block text-sm font-medium">
            Type
          </label>
          <select
            id="channel-type"
            name="type"
            value={type}
            onChange={(e) => setType(e.target.value)}
            className={`${input} mt-1 w-full`}
          >
            <option value="slack">Slack-style chat</option>
            <option value="email">E-mail</option>
            <option value="webhook">Signed webhook</option>
          </select>
        </div>
        <div>
          <label htmlFor="channel-target" className="block text-sm font-medium">
            {hint.label}
          </label>
          <input
            id="channel-target"
            name="target"
            required
            defaultValue={values?.target ?? ''}
            key={`target-${values?.target ?? ''}`}
            placeholder={hint.placeholder}
            className={`${input} mt-1 w-full font-mono`}
            aria-invalid={Boolean(errors?.target)}
            aria-describedby={errors?.target ? 'channel-target-error' : undefined}
          />
          {errors?.target ? (
            <p id="channel-target-error" className="mt-1 text-xs text-red-700 dark:text-red-300">
              {errors.target[0]}
            </p>
          ) : null}
        </div>
      </div>
      <fieldset>
        <legend className="text-sm font-medium">Topics (none ticked: all)</legend>
        <div className="mt-1 grid gap-1 sm:grid-cols-2">
          {topics.map((t) => (
            <label key={t} className="flex items-start gap-2 text-sm">
              <input type="checkbox" name="topics" value={t} className="mt-1" />
              <span>
                <code className="font-mono text-xs">{t}</code>{' '}
                <span className="text-slate-600 dark:text-slate-400">{topicHelp[t]}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="flex flex-wrap items-end gap-6">
        <div>
          <label htmlFor="channel-severity" className="block text-sm font-medium">
            Alerts from severity
          </label>
          <select
            id="channel-severity"
            name="minSeverity"
            defaultValue={values?.minSeverity ?? 'low'}
            className={`${input} mt-1`}
          >
            <option value="low">low (all)</option>
            <option value="medium">medium</option>
            <option value="high">high</option>
            <option value="critical">critical</option>
          </select>
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="masked" defaultChecked={values?.masked === 'on'} />
          Masked: hide names, contacts and IPs in messages
        </label>
      </div>
      <button type="submit" disabled={pending} className={buttonPrimary}>
        {pending ? 'Adding…' : 'Add channel'}
      </button>
      <ActionMessage state={state} secretLabel="Signing secret" />
    </form>
  );
}

/** "Send a test" and "Remove" for one channel. */
export function ChannelButtons({ channelId, label }: { channelId: string; label: string }) {
  const [testState, testAction, testing] = useActionState(testChannelAction, null);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-start gap-2">
        <form action={testAction}>
          <input type="hidden" name="channelId" value={channelId} />
          <button type="submit" disabled={testing} className={buttonSecondary} aria-label={`Send a test to ${label}`}>
            {testing ? 'Sending…' : 'Send a test'}
          </button>
        </form>
        <RemoveButton action={removeChannelAction} field="channelId" id={channelId} label={label} />
      </div>
      <ActionMessage state={testState} />
    </div>
  );
}
