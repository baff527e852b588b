import { sql } from 'drizzle-orm';
import { jsonb } from '@/db/sql-helpers';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';

const viewContacts = 'account.view_contacts';

/**
 * Staff seeing customers' full e-mail and phone is logged, at most once per staff member, account and hour.
 * The pages that show full contacts call it with the accounts shown (a list logs each of them). Advisory
 * locks per pair, taken in one order, keep two tabs from logging the same view twice: the second waits, and
 * its insert (a later statement, so a later snapshot) then sees the first one's row. One set-based insert
 * writes every row due, instead of one insert per account.
 */
export async function logContactViews(ctx: ServiceContext, accountIds: readonly string[]): Promise<void> {
  authorize(ctx, 'accounts.viewContacts');
  const actor = ctx.actor;
  // Only a staff member has an id to log the view under (the CLI and API keys never see contacts on a page).
  if (actor.kind !== 'staff' || accountIds.length === 0) return;
  const ids = jsonb([...new Set(accountIds)].sort());
  await withTransaction(ctx, async (tx) => {
    await tx.db.execute(
      sql`select pg_advisory_xact_lock(h) from (
            select hashtextextended('vigil:contact-view:' || ${actor.id} || ':' || id, 0) as h
            from jsonb_array_elements_text(${ids}) as id order by 1
          ) as ordered`,
    );
    await tx.db.execute(
      sql`insert into audit_log (actor_id, actor_email, actor_role, action, target_type, target_id, request_id, ip)
          select ${actor.id}::uuid, ${actor.email}, ${actor.role}, ${viewContacts}, 'account', shown.id,
                 ${tx.requestId ?? actor.requestId ?? null}, ${tx.clientIp ?? actor.ip ?? null}
          from jsonb_array_elements_text(${ids}) with ordinality as shown(id, n)
          where not exists (
            select 1 from audit_log seen
            where seen.target_type = 'account' and seen.target_id = shown.id
              and seen.actor_id = ${actor.id}::uuid and seen.action = ${viewContacts}
              and seen.occurred_at > now() - interval '1 hour')
          order by shown.n`,
    );
  });
}
