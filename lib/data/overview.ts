import { count, gte, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { accounts, loginRollupHourly, otpRollupHourly } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';

export interface OverviewCounts {
  accounts: number;
  loginsSucceeded: number;
  loginsFailed: number;
  otpIssued: number;
  otpVerified: number;
  lockedAccounts: number;
}

/** The last 24 hourly buckets (UTC, the current partial hour included), read from the rollups. */
export async function overviewCounts(db: Db, actor: Actor, now = new Date()): Promise<OverviewCounts> {
  requirePermission(actor, 'overview.view');
  const since = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000 - 23 * 3_600_000);
  const [[acc], [logins], [otps]] = await Promise.all([
    db.select({ total: count(), locked: sql<number>`count(*) filter (where ${accounts.status} = 'locked')`.mapWith(Number) }).from(accounts),
    db
      .select({
        ok: sql<number>`coalesce(sum(${loginRollupHourly.count}) filter (where ${loginRollupHourly.outcome} = 'succeeded'), 0)`.mapWith(Number),
        failed: sql<number>`coalesce(sum(${loginRollupHourly.count}) filter (where ${loginRollupHourly.outcome} = 'failed'), 0)`.mapWith(Number),
      })
      .from(loginRollupHourly)
      .where(gte(loginRollupHourly.hour, since)),
    db
      .select({
        issued: sql<number>`coalesce(sum(${otpRollupHourly.count}) filter (where ${otpRollupHourly.kind} = 'issued'), 0)`.mapWith(Number),
        verified: sql<number>`coalesce(sum(${otpRollupHourly.count}) filter (where ${otpRollupHourly.kind} = 'verified'), 0)`.mapWith(Number),
      })
      .from(otpRollupHourly)
      .where(gte(otpRollupHourly.hour, since)),
  ]);
  return {
    accounts: acc?.total ?? 0,
    lockedAccounts: acc?.locked ?? 0,
    loginsSucceeded: logins?.ok ?? 0,
    loginsFailed: logins?.failed ?? 0,
    otpIssued: otps?.issued ?? 0,
    otpVerified: otps?.verified ?? 0,
  };
}
