import { and, desc, eq, ilike, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { accountActivity, accounts } from '@/db/schema';
import { timestamptz } from '@/db/sql-helpers';
import type { Actor } from '@/lib/auth/actor';
import { can } from '@/lib/auth/permissions';
import { authorize, type ServiceContext } from '@/lib/context';
import { CursorTime } from '@/lib/paging/cursor';
import { notFound } from '@/lib/errors';
import { toStorableText } from '@/lib/text';
import { maskEmail, maskPhone } from './masking';
import { resetStillRequired, twoFactorOffStillRequired } from './security-state';

export const accountSearchPageSize = 25;
export const maxSearchLength = 200;

/** `%`, `_` and `\` typed by staff are matched literally (never as LIKE wildcards). */
export function escapeLike(term: string): string {
  return term.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** What staff type to find a phone: "+44 7700 900123", "(07700) 900-123" → its digits. */
function phoneDigits(term: string): string | null {
  if (!/^[+\d\s().-]{4,}$/.test(term)) return null;
  const digits = term.replace(/\D/g, '');
  return digits.length >= 4 ? digits : null;
}

export interface AccountSummary {
  id: string;
  externalId: string;
  displayName: string | null;
  email: string | null;
  phone: string | null;
  status: 'active' | 'locked';
  twoFactorEnabled: boolean;
  twoFactorMethod: string | null;
  twoFactorRequired: boolean;
  lastEventAt: Date;
}

const AccountCursor = z.tuple([CursorTime, z.uuid()]);
function encodeAccountCursor(a: { lastEventAt: Date; id: string }): string {
  return Buffer.from(`${a.lastEventAt.toISOString()}|${a.id}`).toString('base64url');
}
function decodeAccountCursor(raw: string | undefined | null) {
  if (!raw || raw.length > 200) return null;
  const parsed = AccountCursor.safeParse(Buffer.from(raw, 'base64url').toString('utf8').split('|'));
  return parsed.success ? { lastEventAt: new Date(parsed.data[0]), id: parsed.data[1] } : null;
}

/** An account's e-mail and phone as this actor may see them: whole, or masked (lib/accounts/masking.ts). */
export function contactsFor(actor: Actor) {
  const visible = can(actor, 'accounts.viewContacts');
  return {
    email: (v: string | null) => (visible ? v : maskEmail(v)),
    phone: (v: string | null) => (visible ? v : maskPhone(v)),
  };
}

/**
 * What account search matches, all four columns in one text: exactly the expression of the trigram index
 * accounts_search_trgm_idx (migration 0018), so the planner can use it. One GIN index instead of one per
 * column keeps creating an account (which ingest does for every new customer) cheap.
 */
export const searchText = sql`lower(coalesce(${accounts.externalId}, '') || ' ' || coalesce(${accounts.displayName}, '') || ' ' || coalesce(${accounts.email}, '') || ' ' || coalesce(${accounts.phone}, ''))`;

/**
 * Finds accounts by part of their e-mail, phone, platform id or name (case-insensitive), most recently
 * active first, keyset-paged by `after`. Roles that see contacts masked match e-mail and phone only whole.
 * A page that shows the list with full contacts logs that view (log-contact-views.ts); this read writes nothing.
 */
export async function searchAccounts(
  ctx: ServiceContext,
  params: { q?: string; after?: string | null },
  limit = accountSearchPageSize,
): Promise<{ items: AccountSummary[]; next: string | null; q: string; contactsMasked: boolean }> {
  authorize(ctx, 'accounts.view');
  const { actor, db } = ctx;
  const q = toStorableText(params.q ?? '')
    .trim()
    .slice(0, maxSearchLength);
  const conditions: SQL[] = [];
  if (q) {
    const pattern = `%${escapeLike(q.toLowerCase())}%`;
    const digits = phoneDigits(q);
    // The trigram index finds candidates by the whole search text; each column is then checked on its own.
    const fragment = (columns: SQL[]) => sql`(${searchText} like ${pattern} and ${or(...columns)})`;
    const byName = [
      sql`lower(${accounts.externalId}) like ${pattern}`,
      sql`lower(${accounts.displayName}) like ${pattern}`,
    ];
    const matches: SQL[] = [];
    if (can(actor, 'accounts.viewContacts')) {
      matches.push(
        fragment([...byName, sql`lower(${accounts.email}) like ${pattern}`, ilike(accounts.phone, pattern)]),
      );
      if (digits) {
        const digitsPattern = `%${escapeLike(digits)}%`;
        matches.push(sql`(${searchText} like ${digitsPattern} and ${accounts.phone} like ${digitsPattern})`);
      }
    } else {
      // Masked roles find contacts only by the whole value: growing a fragment must not reveal it.
      matches.push(fragment(byName), sql`lower(${accounts.email}) = ${q.toLowerCase()}`);
      if (digits) matches.push(sql`${accounts.phone} = ${`+${digits}`}`);
    }
    conditions.push(or(...matches)!);
  }
  const cursor = decodeAccountCursor(params.after);
  if (cursor)
    conditions.push(
      sql`(${accountActivity.lastEventAt}, ${accountActivity.accountId}) < (${timestamptz(cursor.lastEventAt)}, ${cursor.id}::uuid)`,
    );
  const rows = await db
    .select({
      id: accounts.id,
      externalId: accounts.externalId,
      displayName: accounts.displayName,
      email: accounts.email,
      phone: accounts.phone,
      status: accounts.status,
      twoFactorEnabled: accounts.reportedTwoFactorEnabled,
      twoFactorMethod: accounts.reportedTwoFactorMethod,
      twoFactorRequired: accounts.twoFactorRequired,
      lastEventAt: accountActivity.lastEventAt,
    })
    // Walks the activity index newest first, joining each account (the list's order lives there).
    .from(accountActivity)
    .innerJoin(accounts, eq(accounts.id, accountActivity.accountId))
    .where(and(...conditions))
    .orderBy(desc(accountActivity.lastEventAt), desc(accountActivity.accountId))
    .limit(limit + 1);
  const contact = contactsFor(actor);
  const items = rows
    .slice(0, limit)
    .map((r) => ({ ...r, email: contact.email(r.email), phone: contact.phone(r.phone) }));
  const last = items.at(-1);
  return {
    items,
    next: rows.length > limit && last ? encodeAccountCursor(last) : null,
    q,
    contactsMasked: !can(actor, 'accounts.viewContacts'),
  };
}

/**
 * The accounts whose full e-mail or phone a page shows (none when the role sees them masked): what the page
 * logs with log-contact-views.ts.
 */
export function contactsShown(
  contactsMasked: boolean,
  shown: readonly Pick<AccountSummary, 'id' | 'email' | 'phone'>[],
): string[] {
  return contactsMasked ? [] : shown.filter((a) => a.email || a.phone).map((a) => a.id);
}

export interface AccountDetail extends AccountSummary {
  firstEventAt: Date;
  passwordResetRequired: boolean;
  twoFactorRequiredMethod: string | null;
  /** Staff approved turning the customer's own 2FA off; the platform has not reported it removed yet. */
  twoFactorDisableRequired: boolean;
  sessionsValidAfter: Date | null;
  version: number;
  contactsMasked: boolean;
}

const AccountId = z.uuid();

/**
 * Unknown and malformed ids get the same not-found. A page that shows the full contacts logs that view
 * (log-contact-views.ts); this read writes nothing.
 */
export async function getAccount(ctx: ServiceContext, id: string): Promise<AccountDetail> {
  authorize(ctx, 'accounts.view');
  const { actor, db } = ctx;
  if (!AccountId.safeParse(id).success) throw notFound('Account not found');
  const [found] = await db
    .select({ account: accounts, lastEventAt: accountActivity.lastEventAt })
    .from(accounts)
    .leftJoin(accountActivity, eq(accountActivity.accountId, accounts.id))
    .where(eq(accounts.id, id));
  if (!found) throw notFound('Account not found');
  const row = found.account;
  const contact = contactsFor(actor);
  return {
    id: row.id,
    externalId: row.externalId,
    displayName: row.displayName,
    email: contact.email(row.email),
    phone: contact.phone(row.phone),
    status: row.status,
    twoFactorEnabled: row.reportedTwoFactorEnabled,
    twoFactorMethod: row.reportedTwoFactorMethod,
    twoFactorRequired: row.twoFactorRequired,
    twoFactorRequiredMethod: row.twoFactorRequiredMethod,
    passwordResetRequired: resetStillRequired(row),
    twoFactorDisableRequired: twoFactorOffStillRequired(row),
    sessionsValidAfter: row.sessionsValidAfter,
    lastEventAt: found.lastEventAt ?? row.firstEventAt,
    firstEventAt: row.firstEventAt,
    version: row.version,
    contactsMasked: !can(actor, 'accounts.viewContacts'),
  };
}
