import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { queryRows } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { recordAudit } from './record-audit';

/**
 * Staff seeing a customer's full e-mail and phone is logged, at most once per staff member, account and
 * hour (an advisory lock per pair keeps two tabs from logging it twice).
 */
export async function logContactView(db: Db, actor: Actor, accountId: string): Promise<void> {
  if (actor.kind !== 'staff') return;
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`vigil:contact-view:${actor.id}:${accountId}`}, 0))`);
    const [recent] = await queryRows<{ n: number }>(
      tx,
      sql`select count(*)::int as n from audit_log
          where target_type = 'account' and target_id = ${accountId} and actor_id = ${actor.id}::uuid
            and action = 'account.view_contacts' and occurred_at > now() - interval '1 hour'`,
    );
    if ((recent?.n ?? 0) > 0) return;
    await recordAudit(tx, actor, { action: 'account.view_contacts', targetType: 'account', targetId: accountId });
  });
}
