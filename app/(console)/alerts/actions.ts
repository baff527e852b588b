'use server';

import { revalidatePath } from 'next/cache';
import { staffAction } from '@/app/_adapters/server-action';
import type { ActionResult } from '@/lib/actions/action-result';
import { acknowledgeAlert } from '@/lib/alerts/acknowledge-alert';
import { assignAlert } from '@/lib/alerts/assign-alert';
import { bulkChangeAlerts } from '@/lib/alerts/bulk-change-alerts';
import { dismissAlert } from '@/lib/alerts/dismiss-alert';
import { resolveAlert } from '@/lib/alerts/resolve-alert';
import { updateDetectionSettingsFromForm } from '@/lib/detection/update-detection-settings';
import { invalid } from '@/lib/errors';

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
  const result = await staffAction(async (ctx) => {
    const ref = { alertId: input.alertId, version: input.version };
    const changes = {
      acknowledge: () => acknowledgeAlert(ctx, ref),
      resolve: () => resolveAlert(ctx, { ...ref, reason: input.reason }),
      dismiss: () => dismissAlert(ctx, { ...ref, reason: input.reason }),
      'assign-me': () => assignAlert(ctx, { ...ref, assigneeId: ctx.actor.id }),
      unassign: () => assignAlert(ctx, { ...ref, assigneeId: null }),
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
  const result = await staffAction(async (ctx) => {
    let selection: unknown = [];
    try {
      selection = JSON.parse(field(form, 'selection') ?? '[]');
    } catch {
      selection = [];
    }
    const { message } = await bulkChangeAlerts(ctx, {
      to: field(form, 'to') ?? '',
      alerts: selection as { alertId: string; version: number }[],
      reason: field(form, 'reason'),
    });
    return { message };
  }, form);
  revalidatePath('/alerts', 'layout');
  return result;
}

export async function detectionSettingsAction(_prev: unknown, form: FormData): Promise<ActionResult> {
  const result = await staffAction(async (ctx) => {
    const { message } = await updateDetectionSettingsFromForm(ctx, form.entries());
    return { message };
  }, form);
  revalidatePath('/alerts/rules');
  return result;
}
