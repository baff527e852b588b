import { z } from 'zod';
import { otpChannels, otpPurposes } from '@/db/schema';

/*
 * The analytics page's state, all in the URL so a view can be shared: a preset range (or custom dates)
 * and filters. Resolved here into the metrics API's aligned [from, to) and granularity.
 */

export const rangePresets = {
  '24h': { hours: 24, granularity: 'hour' },
  '7d': { hours: 7 * 24, granularity: 'hour' },
  '30d': { hours: 30 * 24, granularity: 'day' },
  '90d': { hours: 90 * 24, granularity: 'day' },
} as const;
export type RangePreset = keyof typeof rangePresets;

const day = z.iso.date().refine((d) => d >= '1970-01-01' && d <= '9999-12-31');
export const AnalyticsParams = z.object({
  range: z.enum(['24h', '7d', '30d', '90d', 'custom']).catch('7d'),
  start: day.optional().catch(undefined),
  end: day.optional().catch(undefined),
  channel: z.enum(otpChannels).optional().catch(undefined),
  purpose: z.enum(otpPurposes).optional().catch(undefined),
  country: z
    .string()
    .regex(/^([A-Z]{2}|unknown)$/)
    .optional()
    .catch(undefined),
});
export type AnalyticsParams = z.infer<typeof AnalyticsParams>;

export interface ResolvedRange {
  from: string;
  to: string;
  granularity: 'hour' | 'day';
  previousFrom: string;
  label: string;
}

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

export function resolveRange(p: AnalyticsParams, now: Date = new Date()): ResolvedRange {
  if (p.range === 'custom' && p.start && p.end && p.start <= p.end) {
    const from = Date.parse(`${p.start}T00:00:00Z`);
    let to = Date.parse(`${p.end}T00:00:00Z`) + dayMs;
    if (to - from > 400 * dayMs) to = from + 400 * dayMs;
    return {
      from: iso(from),
      to: iso(to),
      granularity: 'day',
      previousFrom: iso(from - (to - from)),
      label: `${p.start} – ${p.end} (UTC days)`,
    };
  }
  const preset = rangePresets[p.range === 'custom' ? '7d' : p.range];
  const unit = preset.granularity === 'hour' ? hourMs : dayMs;
  const to = Math.ceil((now.getTime() + 1) / unit) * unit; // include the current, partial bucket
  const from = to - preset.hours * hourMs;
  return {
    from: iso(from),
    to: iso(to),
    granularity: preset.granularity,
    previousFrom: iso(from - (to - from)),
    label: `last ${p.range === 'custom' ? '7d' : p.range}`,
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
