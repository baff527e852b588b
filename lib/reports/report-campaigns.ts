import { and, desc, eq, isNotNull, sql } from 'drizzle-orm';
import { queryRows } from '@/db/client';
import { accounts, fraudReports } from '@/db/schema';
import { authorize, type ServiceContext } from '@/lib/context';
import { notFound } from '@/lib/errors';

export interface Campaign {
  kind: 'sender' | 'caller' | 'domain';
  key: string;
  reports: number;
  accounts: number;
  firstAt: Date;
  lastAt: Date;
  byDay: { day: string; n: number }[];
}

/**
 * Reports grouped across accounts by the same sender number, caller number or link domain: one phishing
 * wave becomes one thing to look at. Groups of two or more reports, biggest first.
 */
export async function reportCampaigns(ctx: ServiceContext): Promise<Campaign[]> {
  authorize(ctx, 'reports.view');
  const { db } = ctx;
  const rows = await queryRows<{
    kind: 'sender' | 'caller' | 'domain';
    key: string;
    reports: number;
    accounts: number;
    first_at: string;
    last_at: string;
    by_day: { day: string; n: number }[];
  }>(
    db,
    sql`with keyed as (
          select 'sender' as kind, sender_number as key, account_id, created_at from fraud_reports where sender_number is not null
          union all select 'caller', caller_number, account_id, created_at from fraud_reports where caller_number is not null
          union all select 'domain', link_domain, account_id, created_at from fraud_reports where link_domain is not null
        ), days as (
          select kind, key, to_char(date_trunc('day', created_at at time zone 'UTC'), 'YYYY-MM-DD') as day, count(*)::int as n from keyed group by 1, 2, 3
        )
        select k.kind, k.key, count(*)::int as reports, count(distinct k.account_id)::int as accounts, min(k.created_at)::text as first_at, max(k.created_at)::text as last_at,
               (select jsonb_agg(jsonb_build_object('day', d.day, 'n', d.n) order by d.day) from days d where d.kind = k.kind and d.key = k.key) as by_day
        from keyed k group by k.kind, k.key having count(*) >= 2 order by count(*) desc, max(k.created_at) desc limit 100`,
  );
  return rows.map((r) => ({
    kind: r.kind,
    key: r.key,
    reports: r.reports,
    accounts: r.accounts,
    firstAt: new Date(r.first_at),
    lastAt: new Date(r.last_at),
    byDay: r.by_day,
  }));
}

/** The reports of one campaign (its page). */
export async function campaignReports(ctx: ServiceContext, kind: string, key: string) {
  authorize(ctx, 'reports.view');
  const { db } = ctx;
  const column =
    kind === 'sender'
      ? fraudReports.senderNumber
      : kind === 'caller'
        ? fraudReports.callerNumber
        : kind === 'domain'
          ? fraudReports.linkDomain
          : null;
  if (!column) throw notFound('No such campaign.');
  return db
    .select({
      id: fraudReports.id,
      reference: fraudReports.reference,
      status: fraudReports.status,
      priority: fraudReports.priority,
      createdAt: fraudReports.createdAt,
      accountId: fraudReports.accountId,
      accountName: accounts.displayName,
      accountExternalId: accounts.externalId,
    })
    .from(fraudReports)
    .leftJoin(accounts, eq(accounts.id, fraudReports.accountId))
    .where(and(isNotNull(column), eq(column, key)))
    .orderBy(desc(fraudReports.createdAt))
    .limit(500);
}
