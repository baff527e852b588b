import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { pageContext } from '@/app/_adapters/page-context';
import { DetectionSettingsForm, type RuleForm } from '@/components/alerts/detection-settings-form';
import { can } from '@/lib/auth/permissions';
import { ruleList } from '@/lib/detection/rules';
import { DetectionSettings, loadDetectionSettings } from '@/lib/detection/settings';

export const metadata: Metadata = { title: 'Detection rules' };

/** Every threshold of every rule (all settings keys but `enabled`): a new one without a label does not compile. */
type ThresholdKey = Exclude<
  { [R in keyof DetectionSettings]: keyof DetectionSettings[R] }[keyof DetectionSettings],
  'enabled'
>;

/** Labels and units of every threshold, by its settings key. */
const thresholds: Record<ThresholdKey, { label: string; unit: string }> = {
  minIssued: { label: 'Codes issued', unit: 'or more' },
  minFailures: { label: 'Failures', unit: 'or more' },
  minAccounts: { label: 'Distinct accounts', unit: 'or more' },
  windowMinutes: { label: 'Within', unit: 'min' },
  windowHours: { label: 'Within', unit: 'h' },
  lookbackDays: { label: 'History', unit: 'days' },
  minAccountAgeDays: { label: 'Skip accounts younger than', unit: 'days' },
  maxSpeedKmh: { label: 'Fastest travel', unit: 'km/h' },
  minDistanceKm: { label: 'Compare only countries at least', unit: 'km apart' },
  knownDeviceDays: { label: 'Device known if used in', unit: 'days' },
  prefixDigits: { label: 'Prefix: country code +', unit: 'digits' },
  maxVerifiedPercent: { label: 'Verified share under', unit: '%' },
};

export default async function DetectionRulesPage() {
  const ctx = await pageContext();
  if (!can(ctx.actor, 'alerts.view')) notFound();
  const settings = await loadDetectionSettings(ctx.db);
  const forms: RuleForm[] = ruleList.map((rule) => {
    const values = settings[rule.rule] as Record<string, number | boolean>;
    const shape = DetectionSettings.shape[rule.rule].shape as Record<
      string,
      { minValue?: number | null; maxValue?: number | null }
    >;
    return {
      rule: rule.rule,
      title: rule.title,
      severity: rule.severity,
      subject: rule.subject,
      description: rule.describe(settings[rule.rule]),
      enabled: values.enabled === true,
      fields: Object.entries(values)
        .filter(([key]) => key !== 'enabled')
        .map(([key, value]) => ({
          key,
          value: Number(value),
          min: shape[key]?.minValue ?? 0,
          max: shape[key]?.maxValue ?? 100_000,
          ...thresholds[key as ThresholdKey],
        })),
    };
  });
  return (
    <div className="space-y-4">
      <div>
        <Link href="/alerts" className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">
          ← Alert queue
        </Link>
        <h1 className="mt-1 text-xl font-semibold">Detection rules</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Each rule runs on every batch the platform sends, over the events&apos; own times. Changes apply from the next
          batch and are recorded in the audit log. Before saving, &ldquo;Preview on history&rdquo; re-runs a rule with
          its thresholds as typed over the stored events, and compares what it would raise with what it raised and what
          staff decided.
        </p>
      </div>
      <DetectionSettingsForm
        rules={forms}
        canEdit={can(ctx.actor, 'detection.configure')}
        canPreview={can(ctx.actor, 'detection.backtest')}
      />
    </div>
  );
}
