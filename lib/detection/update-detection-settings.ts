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
