import { and, asc, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  accounts,
  loginEvents,
  loginFailureReasons,
  otpChannels,
  otpEvents,
  otpFailureReasons,
  otpKinds,
  otpPurposes,
} from '@/db/schema';
import { authorize, type ServiceContext } from '@/lib/context';
import { param, type SearchParams } from '@/lib/search-params';
import { keysetPage } from '@/lib/paging/keyset-page';
import { CursorTime, type Page, type PageDirection } from '@/lib/paging/cursor';

/** A chart bucket: a short time window (at most 2 days), optionally one country. */
const bucketWindow = {
  from: CursorTime.transform((v) => new Date(v)),
  to: CursorTime.transform((v) => new Date(v)),
  country: z
    .string()
    .regex(/^([A-Z]{2}|unknown)$/)
    .optional(),
};
const shortWindow = (f: { from: Date; to: Date }) =>
  f.from < f.to && f.to.getTime() - f.from.getTime() <= 2 * 86_400_000;
const shortWindowIssue = { message: 'a bucket of at most two days', path: ['to'] };
const inWindow = (column: typeof otpEvents.occurredAt | typeof loginEvents.occurredAt, f: { from: Date; to: Date }) => [
  gte(column, f.from),
  lt(column, f.to),
];

/**
 * The bucket a drill-down link names (the chart puts it in the query string): the parameters `filter` knows,
 * parsed by it; null when the link does not describe a bucket.
 */
export function bucketFromQuery<F extends z.ZodObject>(filter: F, query: SearchParams): z.output<F> | null {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(filter.shape)) {
    const value = param(query, key);
    if (value) raw[key] = value;
  }
  const parsed = filter.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

/** The OTP events behind one chart bucket, with the chart's filters. */
export const BucketFilter = z
  .object({
    ...bucketWindow,
    kind: z.enum(otpKinds).optional(),
    channel: z.enum(otpChannels).optional(),
    purpose: z.enum(otpPurposes).optional(),
    reason: z.enum(otpFailureReasons).optional(),
  })
  .refine(shortWindow, shortWindowIssue);
export type BucketFilter = z.output<typeof BucketFilter>;

export interface BucketEvent {
  id: number;
  occurredAt: Date;
  kind: string;
  channel: string;
  purpose: string;
  failureReason: string | null;
  country: string | null;
  ip: string | null;
  accountId: string;
  accountName: string | null;
  externalId: string;
}

/** Raw OTP events of one bucket, newest first, keyset-paged over the time index; no contact details. */
export async function listOtpEventsInBucket(
  ctx: ServiceContext,
  f: BucketFilter,
  direction: PageDirection = {},
  limit = 50,
): Promise<Page<BucketEvent>> {
  authorize(ctx, 'analytics.view');
  const where: SQL[] = inWindow(otpEvents.occurredAt, f);
  if (f.kind) where.push(eq(otpEvents.kind, f.kind));
  if (f.channel) where.push(eq(otpEvents.channel, f.channel));
  if (f.purpose) where.push(eq(otpEvents.purpose, f.purpose));
  if (f.reason) where.push(eq(otpEvents.failureReason, f.reason));
  if (f.country)
    where.push(f.country === 'unknown' ? sql`${otpEvents.country} is null` : eq(otpEvents.country, f.country));
  return keysetPage({ occurredAt: otpEvents.occurredAt, id: otpEvents.id }, direction, limit, (keyset, order, n) =>
    ctx.db
      .select({
        id: otpEvents.id,
        occurredAt: otpEvents.occurredAt,
        kind: otpEvents.kind,
        channel: otpEvents.channel,
        purpose: otpEvents.purpose,
        failureReason: otpEvents.failureReason,
        country: otpEvents.country,
        ip: otpEvents.ip,
        accountId: otpEvents.accountId,
        accountName: accounts.displayName,
        externalId: accounts.externalId,
      })
      .from(otpEvents)
      .innerJoin(accounts, eq(accounts.id, otpEvents.accountId))
      .where(and(...where, keyset))
      .orderBy(
        ...(order === 'desc'
          ? [desc(otpEvents.occurredAt), desc(otpEvents.id)]
          : [asc(otpEvents.occurredAt), asc(otpEvents.id)]),
      )
      .limit(n),
  );
}

/** The login events behind one chart bucket. */
export const LoginBucketFilter = z
  .object({
    ...bucketWindow,
    outcome: z.enum(['succeeded', 'failed']).optional(),
    reason: z.enum(loginFailureReasons).optional(),
  })
  .refine(shortWindow, shortWindowIssue);
export type LoginBucketFilter = z.output<typeof LoginBucketFilter>;

export interface LoginBucketEvent {
  id: number;
  occurredAt: Date;
  outcome: string;
  failureReason: string | null;
  country: string | null;
  ip: string | null;
  deviceId: string | null;
  accountId: string;
  accountName: string | null;
  externalId: string;
}

export async function listLoginEventsInBucket(
  ctx: ServiceContext,
  f: LoginBucketFilter,
  direction: PageDirection = {},
  limit = 50,
): Promise<Page<LoginBucketEvent>> {
  authorize(ctx, 'analytics.view');
  const where: SQL[] = inWindow(loginEvents.occurredAt, f);
  if (f.outcome) where.push(eq(loginEvents.outcome, f.outcome));
  if (f.reason) where.push(eq(loginEvents.failureReason, f.reason));
  if (f.country)
    where.push(f.country === 'unknown' ? sql`${loginEvents.country} is null` : eq(loginEvents.country, f.country));
  return keysetPage({ occurredAt: loginEvents.occurredAt, id: loginEvents.id }, direction, limit, (keyset, order, n) =>
    ctx.db
      .select({
        id: loginEvents.id,
        occurredAt: loginEvents.occurredAt,
        outcome: loginEvents.outcome,
        failureReason: loginEvents.failureReason,
        country: loginEvents.country,
        ip: loginEvents.ip,
        deviceId: loginEvents.deviceId,
        accountId: loginEvents.accountId,
        accountName: accounts.displayName,
        externalId: accounts.externalId,
      })
      .from(loginEvents)
      .innerJoin(accounts, eq(accounts.id, loginEvents.accountId))
      .where(and(...where, keyset))
      .orderBy(
        ...(order === 'desc'
          ? [desc(loginEvents.occurredAt), desc(loginEvents.id)]
          : [asc(loginEvents.occurredAt), asc(loginEvents.id)]),
      )
      .limit(n),
  );
}
