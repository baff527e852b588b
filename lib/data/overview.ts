import { and, count, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { accounts, loginEvents, otpEvents } from '@/db/schema';
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

/**
 * Last 24 hours at a glance. Until the hourly rollups of the ingest issue exist, these are counted
 * from the raw events over their time index.
 */
export async function overviewCounts(db: Db, actor: Actor, now = new Date()): Promise<OverviewCounts> {
  requirePermission(actor, 'overview.view');
  const since = new Date(now.getTime() - 86_400_000);
  const [[acc], [logins], [otps]] = await Promise.all([
    db.select({ total: count(), locked: sql<number>`count(*) filter (where ${accounts.status} = 'locked')`.mapWith(Number) }).from(accounts),
    db
      .select({
        ok: sql<number>`count(*) filter (where ${loginEvents.outcome} = 'succeeded')`.mapWith(Number),
        failed: sql<number>`count(*) filter (where ${loginEvents.outcome} = 'failed')`.mapWith(Number),
      })
      .from(loginEvents)
      .where(and(gte(loginEvents.occurredAt, since), lt(loginEvents.occurredAt, now))),
    db
      .select({
        issued: sql<number>`count(*) filter (where ${otpEvents.kind} = 'issued')`.mapWith(Number),
        verified: sql<number>`count(*) filter (where ${otpEvents.kind} = 'verified')`.mapWith(Number),
      })
      .from(otpEvents)
      .where(and(gte(otpEvents.occurredAt, since), lt(otpEvents.occurredAt, now))),
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
