import { count, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { accounts } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';

export interface OverviewCounts {
  accounts: number;
  lockedAccounts: number;
}

/** Account totals for the overview; traffic figures come from lib/metrics (the rollups). */
export async function overviewCounts(db: Db, actor: Actor): Promise<OverviewCounts> {
  requirePermission(actor, 'overview.view');
  const [row] = await db.select({ total: count(), locked: sql<number>`count(*) filter (where ${accounts.status} = 'locked')`.mapWith(Number) }).from(accounts);
  return { accounts: row?.total ?? 0, lockedAccounts: row?.locked ?? 0 };
}
