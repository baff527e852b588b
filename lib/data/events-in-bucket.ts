import { and, asc, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { accounts, loginEvents, otpChannels, otpEvents, otpFailureReasons, otpKinds, otpPurposes } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { keysetPage } from './event-page';
import { CursorTime, type Page, type PageDirection } from './pagination';

/** The events behind one chart bucket: a short time window (at most 2 days) and the chart's filters. */
export const BucketFilter = z
  .object({
    from: CursorTime.transform((v) => new Date(v)),
    to: CursorTime.transform((v) => new Date(v)),
    kind: z.enum(otpKinds).optional(),
    channel: z.enum(otpChannels).optional(),
    purpose: z.enum(otpPurposes).optional(),
    reason: z.enum(otpFailureReasons).optional(),
    country: z.string().regex(/^([A-Z]{2}|unknown)$/).optional(),
  })
  .refine((f) => f.from < f.to && f.to.getTime() - f.from.getTime() <= 2 * 86_400_000, { message: 'a bucket of at most two days', path: ['to'] });
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
export async function listOtpEventsInBucket(db: Db, actor: Actor, f: BucketFilter, direction: PageDirection = {}, limit = 50): Promise<Page<BucketEvent>> {
  requirePermission(actor, 'analytics.view');
  const where: SQL[] = [gte(otpEvents.occurredAt, f.from), lt(otpEvents.occurredAt, f.to)];
  if (f.kind) where.push(eq(otpEvents.kind, f.kind));
  if (f.channel) where.push(eq(otpEvents.channel, f.channel));
  if (f.purpose) where.push(eq(otpEvents.purpose, f.purpose));
  if (f.reason) where.push(eq(otpEvents.failureReason, f.reason));
  if (f.country) where.push(f.country === 'unknown' ? sql`${otpEvents.country} is null` : eq(otpEvents.country, f.country));
  return keysetPage({ occurredAt: otpEvents.occurredAt, id: otpEvents.id }, direction, limit, (keyset, order, n) =>
    db
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
      .orderBy(...(order === 'desc' ? [desc(otpEvents.occurredAt), desc(otpEvents.id)] : [asc(otpEvents.occurredAt), asc(otpEvents.id)]))
      .limit(n),
  );
}

/** The login events behind one chart bucket. */
export const LoginBucketFilter = z
  .object({
    from: CursorTime.transform((v) => new Date(v)),
    to: CursorTime.transform((v) => new Date(v)),
    outcome: z.enum(['succeeded', 'failed']).optional(),
    reason: z.enum(['bad_password', 'unknown_account', 'account_locked', 'otp_failed', 'other']).optional(),
    country: z.string().regex(/^([A-Z]{2}|unknown)$/).optional(),
  })
  .refine((f) => f.from < f.to && f.to.getTime() - f.from.getTime() <= 2 * 86_400_000, { message: 'a bucket of at most two days', path: ['to'] });
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

export async function listLoginEventsInBucket(db: Db, actor: Actor, f: LoginBucketFilter, direction: PageDirection = {}, limit = 50): Promise<Page<LoginBucketEvent>> {
  requirePermission(actor, 'analytics.view');
  const where: SQL[] = [gte(loginEvents.occurredAt, f.from), lt(loginEvents.occurredAt, f.to)];
  if (f.outcome) where.push(eq(loginEvents.outcome, f.outcome));
  if (f.reason) where.push(eq(loginEvents.failureReason, f.reason));
  if (f.country) where.push(f.country === 'unknown' ? sql`${loginEvents.country} is null` : eq(loginEvents.country, f.country));
  return keysetPage({ occurredAt: loginEvents.occurredAt, id: loginEvents.id }, direction, limit, (keyset, order, n) =>
    db
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
      .orderBy(...(order === 'desc' ? [desc(loginEvents.occurredAt), desc(loginEvents.id)] : [asc(loginEvents.occurredAt), asc(loginEvents.id)]))
      .limit(n),
  );
}
