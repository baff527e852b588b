import { sql } from 'drizzle-orm';
import { queryRows, type DbOrTx } from '@/db/client';
import { recordAudit } from '@/lib/audit/record-audit';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { conflict, invalid, notFound } from '@/lib/errors';

/*
 * Legal hold: an account under investigation keeps its evidence. It is held while it has an open alert (open or
 * acknowledged), an open report, or an explicit hold an admin set (reason required, audited). Retention keeps a held
 * account's raw events when it drops their month (lib/retention/run-retention.ts keeps them in a partition of their
 * own, so every page keeps reading them), and erasure is refused while the hold lasts.
 */

export interface HoldReason {
  kind: 'alert' | 'report' | 'explicit';
  /** What holds it, for people: "2 open alerts", the admin's reason. */
  detail: string;
}

const openAlerts = (accountId: string) =>
  sql`select count(*)::int as n from alerts where account_id = ${accountId} and status in ('open', 'acknowledged')`;
const openReports = (accountId: string) =>
  sql`select count(*)::int as n from fraud_reports where account_id = ${accountId} and status not in ('resolved', 'rejected')`;

/** Why the account is held (empty: it is not). */
export async function heldReasons(db: DbOrTx, accountId: string): Promise<HoldReason[]> {
  const out: HoldReason[] = [];
  const [alerts] = await queryRows<{ n: number }>(db, openAlerts(accountId));
  if (alerts && alerts.n > 0) out.push({ kind: 'alert', detail: `${alerts.n} open alert${alerts.n === 1 ? '' : 's'}` });
  const [reports] = await queryRows<{ n: number }>(db, openReports(accountId));
  if (reports && reports.n > 0)
    out.push({ kind: 'report', detail: `${reports.n} open report${reports.n === 1 ? '' : 's'}` });
  const [hold] = await queryRows<{ reason: string }>(
    db,
    sql`select reason from account_holds where account_id = ${accountId} and released_at is null`,
  );
  if (hold) out.push({ kind: 'explicit', detail: hold.reason });
  return out;
}

/** Why the account is held, for the account page. */
export async function accountHolds(ctx: ServiceContext, accountId: string): Promise<HoldReason[]> {
  authorize(ctx, 'accounts.view');
  return heldReasons(ctx.db, accountId);
}

/** Every account held right now (the retention run keeps their events). */
export const heldAccountsQuery = sql`select account_id from alerts where account_id is not null and status in ('open', 'acknowledged')
  union select account_id from fraud_reports where account_id is not null and status not in ('resolved', 'rejected')
  union select account_id from account_holds where released_at is null`;

export async function heldAccountIds(db: DbOrTx): Promise<string[]> {
  return (await queryRows<{ account_id: string }>(db, heldAccountsQuery)).map((r) => r.account_id);
}

/** An admin puts the account under an explicit hold (a reason is required; audited). */
export async function setLegalHold(ctx: ServiceContext, input: { accountId: string; reason: string }): Promise<void> {
  authorize(ctx, 'accounts.erase', { stepUp: true });
  const reason = input.reason.trim();
  if (reason.length < 3 || reason.length > 500)
    throw invalid('Invalid input: reason', { reason: ['Say why the account is held (3 to 500 characters).'] });
  await withTransaction(ctx, async (tx) => {
    const [account] = await queryRows<{ id: string }>(
      tx.db,
      sql`select id from accounts where id = ${input.accountId} for no key update`,
    );
    if (!account) throw notFound('No such account.');
    const [existing] = await queryRows<{ id: string }>(
      tx.db,
      sql`select id from account_holds where account_id = ${input.accountId} and released_at is null`,
    );
    if (existing) throw conflict('This account is under an explicit hold already.');
    await tx.db.execute(
      sql`insert into account_holds (account_id, reason, set_by) values (${input.accountId}, ${reason}, ${tx.actor.id})`,
    );
    await recordAudit(tx, { action: 'account.hold', targetType: 'account', targetId: input.accountId, reason });
  });
}

/** An admin releases the explicit hold (audited); the account's data follows normal retention again. */
export async function releaseLegalHold(ctx: ServiceContext, input: { accountId: string }): Promise<void> {
  authorize(ctx, 'accounts.erase', { stepUp: true });
  await withTransaction(ctx, async (tx) => {
    const released = await queryRows<{ id: string }>(
      tx.db,
      sql`update account_holds set released_at = now(), released_by = ${tx.actor.id}
          where account_id = ${input.accountId} and released_at is null returning id`,
    );
    if (released.length === 0) throw notFound('This account has no explicit hold.');
    await recordAudit(tx, { action: 'account.hold_released', targetType: 'account', targetId: input.accountId });
  });
}
