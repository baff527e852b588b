import { recordAudit } from '@/lib/audit/record-audit';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { DetectionSettings, detectionSettingsKey, loadDetectionSettings, saveDetectionSettings } from './settings';
import { parseInput } from '@/lib/validation';

/** Rule by rule, the values that differ (what the audit row records). */
function changedValues(before: DetectionSettings, after: DetectionSettings) {
  const was: Record<string, unknown> = {};
  const now: Record<string, unknown> = {};
  for (const rule of Object.keys(after) as (keyof DetectionSettings)[]) {
    for (const [key, value] of Object.entries(after[rule])) {
      const old = (before[rule] as Record<string, unknown>)[key];
      if (old !== value) {
        was[`${rule}.${key}`] = old;
        now[`${rule}.${key}`] = value;
      }
    }
  }
  return { was, now };
}

/** Analysts and admins tune thresholds and turn rules on or off; the next detection run uses them. Audited. */
export async function updateDetectionSettings(
  ctx: ServiceContext,
  input: unknown,
): Promise<{ changed: boolean; message: string }> {
  authorize(ctx, 'detection.configure', { stepUp: true });
  return applyDetectionSettings(ctx, input);
}

async function applyDetectionSettings(
  ctx: ServiceContext,
  input: unknown,
): Promise<{ changed: boolean; message: string }> {
  const next = parseInput(DetectionSettings, input);
  return withTransaction(ctx, async (tx) => {
    const before = await loadDetectionSettings(tx.db);
    const { was, now } = changedValues(before, next);
    if (Object.keys(now).length === 0)
      return { changed: false, message: 'These are the settings already in use; nothing changed.' };
    await saveDetectionSettings(tx.db, next);
    await recordAudit(tx, {
      action: 'detection.update_settings',
      targetType: 'settings',
      targetId: detectionSettingsKey,
      before: was,
      after: now,
    });
    return {
      changed: true,
      message: `Saved ${Object.keys(now).length} change${Object.keys(now).length === 1 ? '' : 's'}; detection uses them from the next batch.`,
    };
  });
}

/**
 * The rules page's form as the settings it means. Built from names the settings schema knows only (a rule, then
 * one of its fields), onto objects with no prototype: a field named `__proto__.offset` or `constructor.prototype`
 * can never write onto Object.prototype (which would break every query in the process).
 */
export function detectionSettingsFromForm(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const input = Object.create(null) as Record<string, Record<string, unknown>>;
  const known = (rule: string): rule is keyof DetectionSettings => Object.hasOwn(DetectionSettings.shape, rule);
  const fieldsOf = (rule: keyof DetectionSettings) => Object.keys(DetectionSettings.shape[rule].shape);
  const listed: string[] = [];
  for (const [name, value] of entries) {
    if (typeof value !== 'string') continue;
    if (name === 'rules') {
      listed.push(...value.split(','));
      continue;
    }
    const [rule, key, ...rest] = name.split('.');
    if (!rule || !key || rest.length > 0 || !known(rule) || !fieldsOf(rule).includes(key)) continue;
    input[rule] ??= Object.create(null) as Record<string, unknown>;
    input[rule][key] = key === 'enabled' ? value === 'on' : value.trim() === '' ? undefined : Number(value);
  }
  // An unchecked box sends nothing: every rule listed on the form but not ticked is off.
  for (const rule of listed.filter(known)) {
    input[rule] ??= Object.create(null) as Record<string, unknown>;
    input[rule].enabled ??= false;
  }
  // Plain objects again for the schema, copied key by key from the prototype-less ones.
  return Object.fromEntries(Object.entries(input).map(([rule, fields]) => [rule, { ...fields }]));
}

/** The rules page's form: permission first, then the form is read (see detectionSettingsFromForm). */
export async function updateDetectionSettingsFromForm(
  ctx: ServiceContext,
  entries: Iterable<[string, unknown]>,
): Promise<{ changed: boolean; message: string }> {
  authorize(ctx, 'detection.configure', { stepUp: true });
  return applyDetectionSettings(ctx, detectionSettingsFromForm(entries));
}
