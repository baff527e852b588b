import type { DbOrTx, Tx } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission, type Permission } from '@/lib/auth/permissions';
import { env } from '@/lib/env';
import { ServiceError } from '@/lib/errors';

/**
 * What every exported read and verb of lib/ takes first: who acts, the database (or the transaction it runs
 * in), and where the request came from (for the audit row). Transports build it (app/_adapters); the CLI,
 * the seed and the background loop build it with the operator as actor (`systemContext`).
 */
export interface ServiceContext {
  actor: Actor;
  db: DbOrTx;
  requestId: string | null;
  clientIp: string | null;
}

/** A context whose `db` is an open transaction: what an audit row and a change must share. */
export interface TxContext extends ServiceContext {
  db: Tx;
}

export function serviceContext(
  db: DbOrTx,
  actor: Actor,
  from: { requestId?: string | null; clientIp?: string | null } = {},
): ServiceContext {
  return { actor, db, requestId: from.requestId ?? null, clientIp: from.clientIp ?? null };
}

// A drizzle transaction can roll back; the database handle cannot. That is how an outer transaction is known.
function isTransaction(db: DbOrTx): db is Tx {
  return typeof (db as Partial<Tx>).rollback === 'function';
}

/**
 * Runs `work` in a transaction: the caller's own if it is already in one (so a playbook composes verbs, each
 * calling withTransaction, into one atomic change), else a new one.
 */
export function withTransaction<T>(ctx: ServiceContext, work: (tx: TxContext) => Promise<T>): Promise<T> {
  if (isTransaction(ctx.db)) return work(ctx as TxContext);
  return ctx.db.transaction((tx) => work({ ...ctx, db: tx }));
}

/**
 * The first line of every read and verb: refuses (forbidden) unless the actor holds `permission`. With `stepUp`
 * (actions that change a customer's security, staff, keys, webhooks or rules), a staff member must also have
 * verified a second factor within `VIGIL_STEP_UP_MAX_AGE` seconds — checked here, in the verb, so no UI or route
 * can skip it. The operator (CLI, seed) and API keys do not sign in with a second factor and are not asked.
 */
export function authorize(ctx: ServiceContext, permission: Permission, options: { stepUp?: boolean } = {}): void {
  requirePermission(ctx.actor, permission);
  if (options.stepUp) requireRecentFactor(ctx);
}

export function requireRecentFactor(ctx: ServiceContext, now = Date.now()): void {
  if (ctx.actor.kind !== 'staff') return;
  const at = ctx.actor.factorVerifiedAt;
  if (at && now - at.getTime() <= env().VIGIL_STEP_UP_MAX_AGE * 1000) return;
  throw new ServiceError('step_up_required', 'Confirm it is you: enter a code from your authenticator app.');
}
