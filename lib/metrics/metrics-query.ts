import { z } from 'zod';
import { otpChannels, otpPurposes } from '@/db/schema';
import { ServiceError } from '@/lib/errors';
import { isSensibleInstant } from '@/lib/text';
import { retentionCutoff, retentionDays } from '@/lib/retention/config';

export const maxRangeDays = 400;

const invalidParameter = (message: string, extra: { parameter: string }) =>
  new ServiceError('invalid', message, { reason: 'invalid_parameter', extra });
const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

const instant = z.iso
  .datetime({ offset: true })
  .refine(isSensibleInstant, 'must be a time from 1970 on')
  .transform((v) => new Date(v));

export const OtpMetricsQuery = z.object({
  from: instant,
  to: instant,
  granularity: z.enum(['hour', 'day']),
  groupBy: z.enum(['none', 'channel', 'purpose', 'country']).default('none'),
  channel: z.enum(otpChannels).optional(),
  purpose: z.enum(otpPurposes).optional(),
  country: z
    .string()
    .regex(/^([A-Z]{2}|unknown)$/, 'must be an ISO 3166-1 alpha-2 code in capitals, or "unknown"')
    .optional(),
});
export type OtpMetricsQuery = z.output<typeof OtpMetricsQuery>;

export const LoginMetricsQuery = OtpMetricsQuery.omit({ channel: true, purpose: true }).extend({
  groupBy: z.enum(['none', 'reason', 'country']).default('none'),
});
export type LoginMetricsQuery = z.output<typeof LoginMetricsQuery>;

/**
 * Parses metrics query parameters; any problem is a 400 naming the parameter. `from`/`to` must sit on the
 * granularity's UTC boundaries, `from` < `to`, at most 400 days apart, and `from` within the granularity's rollup
 * retention (VIGIL_RETENTION_HOURLY_DAYS, VIGIL_RETENTION_DAILY_DAYS).
 */
export function parseMetricsQuery<S extends typeof OtpMetricsQuery | typeof LoginMetricsQuery>(
  schema: S,
  params: URLSearchParams,
  now = new Date(),
): z.output<S> {
  const raw: Record<string, string> = {};
  for (const [k, v] of params) raw[k] = v;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'query');
    throw invalidParameter(`${name}: ${issue.message}`, { parameter: name });
  }
  const q = parsed.data as z.output<S> & { from: Date; to: Date; granularity: 'hour' | 'day' };
  const unit = q.granularity === 'hour' ? hourMs : dayMs;
  for (const name of ['from', 'to'] as const) {
    if (q[name].getTime() % unit !== 0) {
      throw invalidParameter(`${name}: must fall on a whole UTC ${q.granularity} for granularity=${q.granularity}`, {
        parameter: name,
      });
    }
  }
  if (q.from >= q.to) throw invalidParameter('to: must be after from', { parameter: 'to' });
  if (q.to.getTime() - q.from.getTime() > maxRangeDays * dayMs) {
    throw invalidParameter(`to: the range may span at most ${maxRangeDays} days`, {
      parameter: 'to',
    });
  }
  // Counts before the kept rollups are gone: zeros there would look like no traffic, so such a range is refused.
  const oldest = oldestKeptBucket(q.granularity, now);
  if (oldest && q.from < oldest) {
    const variable = q.granularity === 'hour' ? 'VIGIL_RETENTION_HOURLY_DAYS' : 'VIGIL_RETENTION_DAILY_DAYS';
    throw invalidParameter(
      `from: ${q.granularity === 'hour' ? 'hourly' : 'daily'} counts are kept for ${retentionDays(q.granularity === 'hour' ? 'hourly' : 'daily')} days (${variable}); the oldest ${q.granularity} kept starts at ${oldest.toISOString()}${q.granularity === 'hour' ? ', or ask for granularity=day' : ''}`,
      { parameter: 'from' },
    );
  }
  return q;
}

/** The first whole bucket the rollups of a granularity still keep (null: kept forever). */
export function oldestKeptBucket(granularity: 'hour' | 'day', now = new Date()): Date | null {
  const cutoff = retentionCutoff(granularity === 'hour' ? 'hourly' : 'daily', now);
  if (!cutoff) return null;
  const unit = granularity === 'hour' ? hourMs : dayMs;
  return new Date(Math.ceil(cutoff.getTime() / unit) * unit);
}

/** Every bucket start of the range, so a bucket without events is present with zeros. */
export function bucketStarts(from: Date, to: Date, granularity: 'hour' | 'day'): Date[] {
  const unit = granularity === 'hour' ? hourMs : dayMs;
  const out: Date[] = [];
  for (let t = from.getTime(); t < to.getTime(); t += unit) out.push(new Date(t));
  return out;
}

/**
 * The rollup a chart reads: hour charts the hourly one; day charts the all-countries daily one (a few
 * dozen rows a day) unless they filter or split by country, then the per-country daily one.
 */
export function rollupTable(
  kind: 'otp' | 'login',
  q: { granularity: 'hour' | 'day'; groupBy: string; country?: string | undefined },
): [table: string, column: 'hour' | 'day'] {
  if (q.granularity === 'hour') return [`${kind}_rollup_hourly`, 'hour'];
  return [q.country || q.groupBy === 'country' ? `${kind}_rollup_daily` : `${kind}_rollup_daily_all`, 'day'];
}
