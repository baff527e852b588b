import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '@/db/client';
import { accounts, actionReasonCodes, staffActionRequests } from '@/db/schema';
import { securityState, type SecurityState } from '@/lib/accounts/security-state';
import type { Actor } from '@/lib/auth/actor';
import type { Permission } from '@/lib/auth/permissions';
import { requirePermission } from '@/lib/auth/permissions';
import { recordAuditLegacy } from '@/lib/audit/record-audit';
import { conflict, invalid, notFound } from '@/lib/errors';
import { enqueueSecurityChange } from '@/lib/outbox/enqueue';
import { storableText } from '@/lib/text';
import { parseInput } from '@/lib/validation';
import { noticeFor } from './notices';

export const reasonLabels: Record<(typeof actionReasonCodes)[number], string> = {
  customer_request_verified: 'Customer request (identity verified)',
  suspected_takeover: 'Suspected account takeover',
  fraud_report: 'Fraud report',
  false_positive: 'False positive',
};

/** What every account action carries: the page's version, a reason, and an idempotency key. */
export const AccountActionInput = z.object({
  accountId: z.uuid('is not an account id'),
  version: z.coerce.number({ error: 'is required (the version you saw)' }).int().min(1),
  idempotencyKey: z.string().min(8, 'is required (one per submission)').max(100),
  reasonCode: z.enum(actionReasonCodes, { error: `must be one of ${actionReasonCodes.join(', ')}` }),
  note: storableText(1000).trim().min(1, 'is required: say why'),
});
export type AccountActionInput = z.infer<typeof AccountActionInput>;

export type AccountRow = typeof accounts.$inferSelect;

export interface AccountActionResult {
  changed: boolean;
  message: string;
  state: SecurityState;
  /** True when this is the stored answer to an earlier submission with the same idempotency key. */
  replayed?: boolean;
}

export interface ActionSpec {
  /** The audit action, e.g. `account.lock`. */
  action: `account.${string}`;
  permission: Permission;
  /** A message when the effect is already in place (nothing changes, nothing is written but the answer). */
  alreadyDone: (a: AccountRow, tx: Tx) => string | null | Promise<string | null>;
  /** A refusal that no retry fixes, e.g. approving one's own request. */
  refuse?: (a: AccountRow, tx: Tx) => Promise<string | null>;
  /** The imposed columns to set; the version is bumped by the runner. */
  change: (
    a: AccountRow,
    now: Date,
    tx: Tx,
  ) => Promise<Partial<typeof accounts.$inferInsert>> | Partial<typeof accounts.$inferInsert>;
  /** Notice template key for the customer, if the action tells them. */
  notice?: Parameters<typeof noticeFor>[0];
  /** Whether the account changes at all (a 2FA-off request only files the request). */
  touchesAccount?: boolean;
  after?: (tx: Tx, a: AccountRow, now: Date) => Promise<void>;
  done: (a: AccountRow) => string;
  /** When the page's version does not matter (an approval acts on the request, not on what the approver saw). */
  skipVersionCheck?: boolean;
}

async function claimKey(
  tx: Tx,
  actor: Actor,
  key: string,
  action: string,
  targetId: string,
): Promise<AccountActionResult | null> {
  const [claimed] = await tx
    .insert(staffActionRequests)
    .values({ idempotencyKey: key, actorId: actor.id, action, targetId })
    .onConflictDoNothing()
    .returning({ key: staffActionRequests.idempotencyKey });
  if (claimed) return null;
  // The first submission has committed (the insert above waited for it): answer what it answered.
  const [first] = await tx.select().from(staffActionRequests).where(eq(staffActionRequests.idempotencyKey, key));
  if (!first || first.actorId !== actor.id || first.action !== action || first.targetId !== targetId || !first.result) {
    throw invalid('Invalid input: idempotencyKey', { idempotencyKey: ['was already used for another submission'] });
  }
  return { ...(first.result as unknown as AccountActionResult), replayed: true };
}

/**
 * The one path of every account action (issue 6): authorize, validate, then one transaction that claims
 * the idempotency key, locks the account, reports an effect already in place, checks the version (a stale
 * page gets a conflict with the fresh state), changes the imposed state, writes the audit row and queues
 * the webhook and the customer notice. Events never undo what this sets (store-events leaves these columns).
 */
export async function runAccountAction(
  db: Db,
  actor: Actor,
  rawInput: unknown,
  spec: ActionSpec,
  extra?: (input: AccountActionInput) => void,
): Promise<AccountActionResult> {
  requirePermission(actor, spec.permission);
  const input = parseInput(AccountActionInput, rawInput);
  extra?.(input);
  return db.transaction((tx) => applyAccountAction(tx, actor, input, spec));
}

/** The same, inside the caller's transaction (the report playbook runs several actions in one). */
export async function applyAccountAction(
  tx: Tx,
  actor: Actor,
  input: AccountActionInput,
  spec: ActionSpec,
): Promise<AccountActionResult> {
  requirePermission(actor, spec.permission);
  {
    const replay = await claimKey(tx, actor, input.idempotencyKey, spec.action, input.accountId);
    if (replay) return replay;
    const [account] = await tx.select().from(accounts).where(eq(accounts.id, input.accountId)).for('update');
    if (!account) throw notFound('No such account.');
    const finish = async (result: AccountActionResult) => {
      await tx
        .update(staffActionRequests)
        .set({ result: result as unknown as Record<string, unknown> })
        .where(eq(staffActionRequests.idempotencyKey, input.idempotencyKey));
      return result;
    };
    const already = await spec.alreadyDone(account, tx);
    if (already) return finish({ changed: false, message: already, state: securityState(account) });
    const refusal = await spec.refuse?.(account, tx);
    if (refusal) throw conflict(refusal, securityState(account));
    if (!spec.skipVersionCheck && account.version !== input.version) {
      throw conflict(
        'This account changed since you loaded the page. Here is its state now; check it and try again if it still applies.',
        securityState(account),
      );
    }
    const now = new Date();
    let updated = account;
    if (spec.touchesAccount !== false) {
      const set = await spec.change(account, now, tx);
      [updated] = (await tx
        .update(accounts)
        .set({ ...set, version: sql`${accounts.version} + 1`, updatedAt: sql`now()` })
        .where(eq(accounts.id, account.id))
        .returning()) as [AccountRow];
    }
    await spec.after?.(tx, account, now);
    const before = securityState(account);
    const after = securityState(updated);
    await recordAuditLegacy(tx, actor, {
      action: spec.action,
      targetType: 'account',
      targetId: account.id,
      reason: `${reasonLabels[input.reasonCode]}: ${input.note}`,
      before: {
        status: before.status,
        passwordResetRequired: before.passwordResetRequired,
        twoFactor: before.twoFactor,
        sessionsValidAfter: before.sessionsValidAfter,
        version: before.version,
      },
      after: {
        status: after.status,
        passwordResetRequired: after.passwordResetRequired,
        twoFactor: after.twoFactor,
        sessionsValidAfter: after.sessionsValidAfter,
        version: after.version,
      },
    });
    if (spec.touchesAccount !== false) {
      await enqueueSecurityChange(
        tx,
        {
          accountId: account.id,
          externalId: account.externalId,
          action: spec.action,
          state: after,
          actor: { email: actor.email, role: actor.role },
          reasonCode: input.reasonCode,
          at: now,
        },
        spec.notice ? noticeFor(spec.notice, updated) : null,
      );
    }
    return finish({ changed: true, message: spec.done(updated), state: after });
  }
}
