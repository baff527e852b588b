import { and, asc, desc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { loginEvents, loginOutcomes, otpChannels, otpEvents, otpKinds, otpPurposes } from '@/db/schema';
import { authorize, type ServiceContext } from '@/lib/context';
import { keysetPage } from '@/lib/paging/keyset-page';
import type { Page, PageDirection } from '@/lib/paging/cursor';

/** The filters' values, for the pages that offer them. */
export { loginOutcomes, otpChannels, otpKinds, otpPurposes };

export const historyPageSize = 25;

const day = z.iso.date().refine((d) => d >= '1970-01-01' && d <= '9999-12-31', 'must be a date from 1970 on');
/** Filters arrive from the URL: each bad value is dropped (and reported), never a 500. */
export const LoginHistoryFilter = z.object({
  outcome: z.enum(loginOutcomes).optional(),
  from: day.optional(),
  to: day.optional(),
});
export type LoginHistoryFilter = z.infer<typeof LoginHistoryFilter>;

export const OtpHistoryFilter = z.object({
  kind: z.enum(otpKinds).optional(),
  channel: z.enum(otpChannels).optional(),
  purpose: z.enum(otpPurposes).optional(),
  from: day.optional(),
  to: day.optional(),
});
export type OtpHistoryFilter = z.infer<typeof OtpHistoryFilter>;

/** Keeps the valid filters and names the invalid ones. */
export function parseFilters<S extends z.ZodObject>(
  schema: S,
  raw: Record<string, unknown>,
): { filter: z.infer<S>; ignored: string[] } {
  const filter: Record<string, unknown> = {};
  const ignored: string[] = [];
  for (const [key, field] of Object.entries(schema.shape)) {
    const value = raw[key];
    if (value === undefined || value === '') continue;
    const parsed = (field as z.ZodType).safeParse(value);
    if (parsed.success) filter[key] = parsed.data;
    else ignored.push(key);
  }
  return { filter: filter as z.infer<S>, ignored };
}

function dateRange(
  column: typeof loginEvents.occurredAt | typeof otpEvents.occurredAt,
  from?: string,
  to?: string,
): SQL[] {
  const conditions: SQL[] = [];
  if (from) conditions.push(gte(column, new Date(`${from}T00:00:00Z`)));
  if (to) conditions.push(lt(column, new Date(new Date(`${to}T00:00:00Z`).getTime() + 86_400_000)));
  return conditions;
}

export interface LoginHistoryItem {
  id: number;
  occurredAt: Date;
  outcome: 'succeeded' | 'failed';
  method: string | null;
  failureReason: string | null;
  ip: string | null;
  userAgent: string | null;
  deviceId: string | null;
  country: string | null;
  /** No earlier login event of this account came from this device / country. */
  firstSeenDevice: boolean;
  firstSeenCountry: boolean;
}

export async function listLoginHistory(
  ctx: ServiceContext,
  accountId: string,
  filter: LoginHistoryFilter,
  direction: PageDirection = {},
  limit = historyPageSize,
): Promise<Page<LoginHistoryItem>> {
  authorize(ctx, 'accounts.view');
  const base = [eq(loginEvents.accountId, accountId), ...dateRange(loginEvents.occurredAt, filter.from, filter.to)];
  if (filter.outcome) base.push(eq(loginEvents.outcome, filter.outcome));
  const firstSeen = (column: 'device_id' | 'country') =>
    sql<boolean>`(${sql.raw(`login_events.${column}`)} is not null and not exists (
      select 1 from login_events prior
      where prior.account_id = login_events.account_id
        and ${sql.raw(`prior.${column} = login_events.${column}`)}
        and (prior.occurred_at, prior.id) < (login_events.occurred_at, login_events.id)))`;
  return keysetPage({ occurredAt: loginEvents.occurredAt, id: loginEvents.id }, direction, limit, (keyset, order, n) =>
    ctx.db
      .select({
        id: loginEvents.id,
        occurredAt: loginEvents.occurredAt,
        outcome: loginEvents.outcome,
        method: loginEvents.method,
        failureReason: loginEvents.failureReason,
        ip: loginEvents.ip,
        userAgent: loginEvents.userAgent,
        deviceId: loginEvents.deviceId,
        country: loginEvents.country,
        firstSeenDevice: firstSeen('device_id'),
        firstSeenCountry: firstSeen('country'),
      })
      .from(loginEvents)
      .where(and(...base, keyset))
      .orderBy(
        ...(order === 'desc'
          ? [desc(loginEvents.occurredAt), desc(loginEvents.id)]
          : [asc(loginEvents.occurredAt), asc(loginEvents.id)]),
      )
      .limit(n),
  );
}

export interface OtpHistoryItem {
  id: number;
  occurredAt: Date;
  otpId: string;
  kind: string;
  channel: string;
  purpose: string;
  failureReason: string | null;
  ip: string | null;
  country: string | null;
}

export async function listOtpHistory(
  ctx: ServiceContext,
  accountId: string,
  filter: OtpHistoryFilter,
  direction: PageDirection = {},
  limit = historyPageSize,
): Promise<Page<OtpHistoryItem>> {
  authorize(ctx, 'accounts.view');
  const base = [eq(otpEvents.accountId, accountId), ...dateRange(otpEvents.occurredAt, filter.from, filter.to)];
  if (filter.kind) base.push(eq(otpEvents.kind, filter.kind));
  if (filter.channel) base.push(eq(otpEvents.channel, filter.channel));
  if (filter.purpose) base.push(eq(otpEvents.purpose, filter.purpose));
  return keysetPage({ occurredAt: otpEvents.occurredAt, id: otpEvents.id }, direction, limit, (keyset, order, n) =>
    ctx.db
      .select({
        id: otpEvents.id,
        occurredAt: otpEvents.occurredAt,
        otpId: otpEvents.otpId,
        kind: otpEvents.kind,
        channel: otpEvents.channel,
        purpose: otpEvents.purpose,
        failureReason: otpEvents.failureReason,
        ip: otpEvents.ip,
        country: otpEvents.country,
      })
      .from(otpEvents)
      .where(and(...base, keyset))
      .orderBy(
        ...(order === 'desc'
          ? [desc(otpEvents.occurredAt), desc(otpEvents.id)]
          : [asc(otpEvents.occurredAt), asc(otpEvents.id)]),
      )
      .limit(n),
  );
}
