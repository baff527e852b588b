import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { jsonb } from '@/db/sql-helpers';
import { queryRows } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { recordAuditLegacy } from './record-audit';

/**
 * Staff seeing customers' full e-mail and phone is logged, at most once per staff member, account and hour
 * (advisory locks per pair, taken in one order, keep two tabs from logging it twice). For a list, every
 * account shown is logged in one transaction.
 */
export async function logContactViews(db: Db, actor: Actor, accountIds: string[]): Promise<void> {
  if (actor.kind !== 'staff' || accountIds.length === 0) return;
  const ids = [...new Set(accountIds)].sort();
  await db.transaction(async (tx) => {
    await tx.execute(
      sql`select pg_advisory_xact_lock(h) from (
            select hashtextextended('vigil:contact-view:' || ${actor.id} || ':' || id, 0) as h from jsonb_array_elements_text(${jsonb(ids)}) as id order by 1
          ) as ordered`,
    );
    const recent = await queryRows<{ target_id: string }>(
      tx,
      sql`select distinct target_id from audit_log
          where target_type = 'account' and actor_id = ${actor.id}::uuid and action = 'account.view_contacts'
            and occurred_at > now() - interval '1 hour'
            and target_id in (select jsonb_array_elements_text(${jsonb(ids)}))`,
    );
    const logged = new Set(recent.map((r) => r.target_id));
    for (const id of ids)
      if (!logged.has(id))
        await recordAuditLegacy(tx, actor, { action: 'account.view_contacts', targetType: 'account', targetId: id });
  });
}

export function logContactView(db: Db, actor: Actor, accountId: string): Promise<void> {
  return logContactViews(db, actor, [accountId]);
}
