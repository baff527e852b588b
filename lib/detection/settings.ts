import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '@/db/client';
import { settings, type AlertRule } from '@/db/schema';

/*
 * Every detection threshold lives here. The shipped defaults are the README's ("Detection and alerts"); analysts and admins
 * change them (and turn rules off) on /alerts/rules, stored as one row of the settings table so every
 * Vigil server reads the same values.
 */

const count = (min: number, max: number) => z.number().int().min(min).max(max);
const enabled = z.boolean();

export const DetectionSettings = z.object({
  unrequested_otp_burst: z.object({ enabled, minIssued: count(2, 1000), windowMinutes: count(1, 1440) }),
  otp_guessing: z.object({ enabled, minFailures: count(2, 1000), windowMinutes: count(1, 1440) }),
  password_bruteforce: z.object({ enabled, minFailures: count(2, 1000), windowMinutes: count(1, 1440) }),
  credential_stuffing: z.object({ enabled, minAccounts: count(2, 10_000), windowMinutes: count(1, 1440) }),
  new_device_new_country: z.object({ enabled, lookbackDays: count(1, 365), minAccountAgeDays: count(0, 365) }),
  impossible_travel: z.object({ enabled, maxSpeedKmh: count(50, 5000), minDistanceKm: count(0, 20_000) }),
  contact_change_then_risk: z.object({ enabled, windowHours: count(1, 24 * 30), knownDeviceDays: count(0, 365) }),
  sms_pumping: z.object({
    enabled,
    minIssued: count(2, 100_000),
    windowMinutes: count(1, 1440),
    prefixDigits: count(1, 6),
    maxVerifiedPercent: count(1, 100),
  }),
}) satisfies z.ZodType<Record<AlertRule, { enabled: boolean }>>;
export type DetectionSettings = z.infer<typeof DetectionSettings>;

export const defaultDetectionSettings: DetectionSettings = {
  unrequested_otp_burst: { enabled: true, minIssued: 5, windowMinutes: 10 },
  otp_guessing: { enabled: true, minFailures: 5, windowMinutes: 10 },
  password_bruteforce: { enabled: true, minFailures: 10, windowMinutes: 15 },
  credential_stuffing: { enabled: true, minAccounts: 20, windowMinutes: 10 },
  new_device_new_country: { enabled: true, lookbackDays: 90, minAccountAgeDays: 7 },
  impossible_travel: { enabled: true, maxSpeedKmh: 900, minDistanceKm: 500 },
  contact_change_then_risk: { enabled: true, windowHours: 24, knownDeviceDays: 90 },
  sms_pumping: { enabled: true, minIssued: 50, windowMinutes: 10, prefixDigits: 3, maxVerifiedPercent: 10 },
};

export const detectionSettingsKey = 'detection';

/** The stored settings over the defaults, rule by rule; a stored value that no longer validates falls back. */
export function withDefaults(stored: unknown): DetectionSettings {
  const merged = structuredClone(defaultDetectionSettings) as Record<string, Record<string, unknown>>;
  if (stored && typeof stored === 'object') {
    for (const [rule, values] of Object.entries(stored as Record<string, unknown>)) {
      if (rule in merged && values && typeof values === 'object')
        merged[rule] = { ...merged[rule], ...(values as Record<string, unknown>) };
    }
  }
  const parsed = DetectionSettings.safeParse(merged);
  return parsed.success ? parsed.data : structuredClone(defaultDetectionSettings);
}

export async function loadDetectionSettings(db: Db | Tx): Promise<DetectionSettings> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, detectionSettingsKey));
  return withDefaults(row?.value);
}

export async function saveDetectionSettings(tx: Tx, value: DetectionSettings): Promise<void> {
  await tx
    .insert(settings)
    .values({ key: detectionSettingsKey, value })
    .onConflictDoUpdate({ target: settings.key, set: { value: sql`excluded.value`, updatedAt: sql`now()` } });
}
