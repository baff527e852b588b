'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/lib/database';
import { runAction, signedOut, type ActionResult } from '@/lib/actions/action-result';
import { currentActor } from '@/lib/auth/current-actor';
import { invalid } from '@/lib/errors';
import { acknowledgeAlert } from '@/lib/services/alerts/acknowledge-alert';
import { assignAlert } from '@/lib/services/alerts/assign-alert';
import { bulkChangeAlerts } from '@/lib/services/alerts/bulk-change-alerts';
import { dismissAlert } from '@/lib/services/alerts/dismiss-alert';
import { resolveAlert } from '@/lib/services/alerts/resolve-alert';
import { updateDetectionSettings } from '@/lib/services/detection/update-detection-settings';

const field = (form: FormData, name: string) => {
  const v = form.get(name);
  return typeof v === 'string' ? v : undefined;
};

export interface AlertActionInput {
  intent: 'acknowledge' | 'resolve' | 'dismiss' | 'assign-me' | 'unassign';
  alertId: string;
  version: number | string;
  reason?: string;
}

/** One change to one alert (buttons on the alert page, keyboard shortcuts in the queue). */
export async function changeAlertAction(input: AlertActionInput): Promise<ActionResult> {
  const actor = await currentActor();
  if (!actor) return signedOut;
  const result = await runAction<undefined>(actor.requestId, async () => {
    const db = await getDb();
    const ref = { alertId: input.alertId, version: input.version };
    const changes = {
      acknowledge: () => acknowledgeAlert(db, actor, ref),
      resolve: () => resolveAlert(db, actor, { ...ref, reason: input.reason }),
      dismiss: () => dismissAlert(db, actor, { ...ref, reason: input.reason }),
      'assign-me': () => assignAlert(db, actor, { ...ref, assigneeId: actor.id }),
      unassign: () => assignAlert(db, actor, { ...ref, assigneeId: null }),
    };
    const change = Object.hasOwn(changes, input.intent) ? changes[input.intent] : undefined;
    if (!change) throw invalid('Invalid input: intent', { intent: ['is not an alert action'] });
    const { message } = await change();
    return { message };
  });
  revalidatePath('/alerts', 'layout');
  return result;
}

export async function alertFormAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  return changeAlertAction({
    intent: (field(form, 'intent') ?? '') as AlertActionInput['intent'],
    alertId: field(form, 'alertId') ?? '',
    version: field(form, 'version') ?? '',
    reason: field(form, 'reason'),
  });
}

/** Acknowledge or dismiss the selected alerts; `selection` is a JSON list of { alertId, version }. */
export async function bulkAlertAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const actor = await currentActor();
  if (!actor) return signedOut;
  const result = await runAction<undefined>(actor.requestId, async () => {
    let selection: unknown = [];
    try {
      selection = JSON.parse(field(form, 'selection') ?? '[]');
    } catch {
      selection = [];
    }
    const { message } = await bulkChangeAlerts(await getDb(), actor, {
      to: field(form, 'to') ?? '',
      alerts: selection as { alertId: string; version: number }[],
      reason: field(form, 'reason'),
    });
    return { message };
  });
  revalidatePath('/alerts', 'layout');
  return result;
}

export async function detectionSettingsAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const actor = await currentActor();
  if (!actor) return signedOut;
  const input: Record<string, Record<string, unknown>> = {};
  for (const [name, value] of form.entries()) {
    const [rule, key] = name.split('.');
    if (!rule || !key || typeof value !== 'string' || rule.startsWith('$')) continue;
    (input[rule] ??= {})[key] = key === 'enabled' ? value === 'on' : value.trim() === '' ? undefined : Number(value);
  }
  // An unchecked box sends nothing: every rule listed on the form but not ticked is off.
  for (const rule of (field(form, 'rules') ?? '').split(',').filter(Boolean)) (input[rule] ??= {}).enabled ??= false;
  const result = await runAction<undefined>(actor.requestId, async () => {
    const { message } = await updateDetectionSettings(await getDb(), actor, input);
    return { message };
  });
  revalidatePath('/alerts/rules');
  return result;
}
