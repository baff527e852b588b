import { createHash, randomBytes } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { queryRows, type DbOrTx, type Tx } from '@/db/client';
import { arrayOf } from '@/db/sql-helpers';
import { accounts, reportLinks, type ReportCategory } from '@/db/schema';
import { authorize, type ServiceContext } from '@/lib/context';
import { linkBase } from '@/lib/env';
import { conflict, invalid, notFound } from '@/lib/errors';
import { ipBucket } from '@/lib/rate-limit/ip-bucket';
import { parseInput } from '@/lib/validation';
import { consumePublicRate } from './public-rate';

/*
 * "Not me" links. A link is `<VIGIL_PUBLIC_URL>/report?link=<token>`: 32 random bytes, opaque (it names no account
 * and no event), stored only as its SHA-256. Valid 7 days; opening it never uses it up (mail scanners open
 * links); filing a report with it does, once, in the same transaction as the report.
 */

export const linkLifetimeMs = 7 * 24 * 3_600_000;
/** How many link openings one client address may make in an hour (guessing a token is hopeless; scanning is not free). */
const opensPerHour = 60;

const hashOf = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');
const tokenShape = /^[A-Za-z0-9_-]{43}$/;

export interface IssuedLink {
  url: string;
  expiresAt: Date;
}

interface LinkFacts {
  accountId: string;
  eventIds: string[];
  category: ReportCategory;
  source: 'notice' | 'api';
}

/** A new link: the row to store (its token's hash only) and the URL to send. */
export function newReportLink(link: LinkFacts): IssuedLink & { row: typeof reportLinks.$inferInsert } {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + linkLifetimeMs);
  const url = new URL('/report', linkBase());
  url.searchParams.set('link', token);
  return { url: url.toString(), expiresAt, row: { tokenHash: hashOf(token), expiresAt, ...link } };
}

/** Stores a new link for the account, inside the caller's transaction (a notice and its link commit together). */
export async function issueReportLink(db: DbOrTx, link: LinkFacts): Promise<IssuedLink> {
  const { row, url, expiresAt } = newReportLink(link);
  await db.insert(reportLinks).values(row);
  return { url, expiresAt };
}

/** The body of POST /api/v1/accounts/{platformAccountId}/report-links (also its OpenAPI schema). */
export const LinkRequest = z.object({
  eventIds: z
    .array(z.string().min(1).max(128), { error: 'must be a list of event ids' })
    .describe("The platform's ids of the events the message is about")
    .min(1, 'name at least one event')
    .max(50, 'at most 50 events'),
});

/**
 * POST /api/v1/accounts/{platformAccountId}/report-links: a link for the platform's own message. The events must
 * be this account's (any other id is refused by name); an account Vigil never saw is not found.
 */
export async function requestReportLink(
  ctx: ServiceContext,
  platformAccountId: string,
  raw: unknown,
): Promise<{ url: string; expiresAt: string }> {
  authorize(ctx, 'reports.requestLink');
  const input = parseInput(LinkRequest, raw);
  const [account] = await ctx.db
    .select({ id: accounts.id })
    .from(accounts)
    .where(eq(accounts.externalId, platformAccountId));
  if (!account) throw notFound('No such account');
  const eventIds = [...new Set(input.eventIds)];
  const found = await queryRows<{ event_id: string }>(
    ctx.db,
    sql`select event_id from (
          select event_id, account_id from login_events union all
          select event_id, account_id from otp_events union all
          select event_id, account_id from account_events) e
        where e.account_id = ${account.id}::uuid and e.event_id = any(${arrayOf(eventIds)})`,
  );
  const known = new Set(found.map((r) => r.event_id));
  const unknown = eventIds.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw invalid('Some events are not this account’s.', {
      eventIds: [`not events of this account: ${unknown.slice(0, 5).join(', ')}${unknown.length > 5 ? '…' : ''}`],
    });
  }
  const category = found.length > 0 && (await otpOnly(ctx.db, account.id, eventIds)) ? 'unrequested_code' : 'other';
  const issued = await issueReportLink(ctx.db, { accountId: account.id, eventIds, category, source: 'api' });
  return { url: issued.url, expiresAt: issued.expiresAt.toISOString() };
}

/** Whether every event named is a one-time code's: the link then opens on "a code I did not ask for". */
async function otpOnly(db: DbOrTx, accountId: string, eventIds: string[]): Promise<boolean> {
  const [row] = await queryRows<{ n: number }>(
    db,
    sql`select count(*)::int as n from otp_events where account_id = ${accountId}::uuid and event_id = any(${arrayOf(eventIds)})`,
  );
  return (row?.n ?? 0) === eventIds.length;
}

export type LinkState =
  { state: 'valid'; category: ReportCategory } | { state: 'used' } | { state: 'expired' } | { state: 'unknown' };

/** What the report page says about a link when it is opened: nothing about the account, and nothing is used up. */
export async function openReportLink(ctx: ServiceContext, token: string): Promise<LinkState> {
  await consumePublicRate(ctx.db, `report-link:ip:${ipBucket(ctx.clientIp)}`, opensPerHour, 'link openings');
  if (!tokenShape.test(token)) return { state: 'unknown' };
  const [link] = await ctx.db
    .select({ category: reportLinks.category, usedAt: reportLinks.usedAt, expiresAt: reportLinks.expiresAt })
    .from(reportLinks)
    .where(eq(reportLinks.tokenHash, hashOf(token)));
  if (!link) return { state: 'unknown' };
  if (link.usedAt) return { state: 'used' };
  if (link.expiresAt.getTime() <= Date.now()) return { state: 'expired' };
  return { state: 'valid', category: link.category };
}

export interface ClaimedLink {
  id: string;
  accountId: string;
  eventIds: string[];
  category: ReportCategory;
}

/** Takes the link for the report being filed (row-locked, in the filing transaction): used, expired or unknown refuses. */
export async function claimReportLink(tx: Tx, token: string): Promise<ClaimedLink> {
  const [link] = tokenShape.test(token)
    ? await tx
        .select()
        .from(reportLinks)
        .where(eq(reportLinks.tokenHash, hashOf(token)))
        .for('update')
    : [];
  const again = 'You can still tell us what happened: leave the link out and fill in the form.';
  if (!link) throw conflict(`This link is not valid. ${again}`);
  if (link.usedAt) throw conflict(`This link was already used to send a report. ${again}`);
  if (link.expiresAt.getTime() <= Date.now()) throw conflict(`This link has expired. ${again}`);
  return { id: link.id, accountId: link.accountId, eventIds: link.eventIds, category: link.category };
}

export async function markLinkUsed(tx: Tx, linkId: string, reportId: string): Promise<void> {
  await tx
    .update(reportLinks)
    .set({ usedAt: sql`now()`, reportId })
    .where(and(eq(reportLinks.id, linkId), sql`${reportLinks.usedAt} is null`));
}
