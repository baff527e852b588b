import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { accounts, actionReasonCodes, staffActionRequests } from '@/db/schema';
import { securityState, type SecurityState } from '@/lib/accounts/security-state';
import { recordAudit } from '@/lib/audit/record-audit';
import type { TxContext } from '@/lib/context';
import { conflict, invalid, notFound } from '@/lib/errors';
import { enqueueSecurityChange } from '@/lib/outbox/enqueue';
import { storableText } from '@/lib/text';
import { parseInput } from '@/lib/validation';
import { issueReportLink } from '@/lib/reports/report-links';
import { noticeChannel, noticeFor, type NoticeTemplate } from './notices';

/*
 * The steps every account action shares. Each verb (lock-account.ts, require-two-factor.ts…) is a plain
 * function that calls them in order: parse, authorize, then in one transaction claim the idempotency key,
 * lock the account, report an effect already in place, check the version, change the imposed state, write
 * the audit row and queue the webhook and the customer notice. Events never undo what a verb sets
 * (lib/ingest/store-events.ts leaves these columns alone).
 */

export { actionReasonCodes };

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

export const parseAccountActionInput = (rawInput: unknown): AccountActionInput =>
  parseInput(AccountActionInput, rawInput);

export type AccountRow = typeof accounts.$inferSelect;
type AccountChangeSet = Partial<typeof accounts.$inferInsert>;

/** The audit action of an account action, e.g. `account.lock`. */
export type AccountAction = `account.${string}`;

export interface AccountActionResult {
  changed: boolean;
  message: string;
  state: SecurityState;
  /** True when this is the stored answer to an earlier submission with the same idempotency key. */
  replayed?: boolean;
}

/**
 * Claims the submission's idempotency key for this actor, action and account. Null when it is new; the
 * stored answer (marked `replayed`) when the same submission already ran; invalid when the key was used for
 * another submission.
 */
export async function claimIdempotencyKey(
  tx: TxContext,
  action: AccountAction,
  input: AccountActionInput,
): Promise<AccountActionResult | null> {
  const key = input.idempotencyKey;
  const [claimed] = await tx.db
    .insert(staffActionRequests)
    .values({ idempotencyKey: key, actorId: tx.actor.id, action, targetId: input.accountId })
    .onConflictDoNothing()
    .returning({ key: staffActionRequests.idempotencyKey });
  if (claimed) return null;
  // The first submission has committed (the insert above waited for it): answer what it answered.
  const [first] = await tx.db.select().from(staffActionRequests).where(eq(staffActionRequests.idempotencyKey, key));
  if (
    !first ||
    first.actorId !== tx.actor.id ||
    first.action !== action ||
    first.targetId !== input.accountId ||
    !first.result
  ) {
    throw invalid('Invalid input: idempotencyKey', { idempotencyKey: ['was already used for another submission'] });
  }
  return { ...(first.result as unknown as AccountActionResult), replayed: true };
}

/** Stores the answer under the claimed key, so a retry of the same submission gets it back. */
export async function saveIdempotentResult(
  tx: TxContext,
  input: AccountActionInput,
  result: AccountActionResult,
): Promise<AccountActionResult> {
  await tx.db
    .update(staffActionRequests)
    .set({ result: result as unknown as Record<string, unknown> })
    .where(eq(staffActionRequests.idempotencyKey, input.idempotencyKey));
  return result;
}

/** An effect already in place: nothing changes and nothing is written but the answer. */
export function answerAlreadyDone(
  tx: TxContext,
  input: AccountActionInput,
  account: AccountRow,
  message: string,
): Promise<AccountActionResult> {
  return saveIdempotentResult(tx, input, { changed: false, message, state: securityState(account) });
}

/** The account, locked for the rest of the transaction; not found otherwise. */
export async function lockAccountRow(tx: TxContext, accountId: string): Promise<AccountRow> {
  const [account] = await tx.db.select().from(accounts).where(eq(accounts.id, accountId)).for('update');
  if (!account) throw notFound('No such account.');
  return account;
}

/** A refusal that no retry fixes (e.g. approving one's own request): a conflict with the account's state. */
export function refuseAccountAction(account: AccountRow, message: string): never {
  throw conflict(message, securityState(account));
}

/** A stale page gets a conflict with the fresh state, never a lost update. */
export function checkAccountVersion(account: AccountRow, input: AccountActionInput): void {
  if (account.version !== input.version) {
    refuseAccountAction(
      account,
      'This account changed since you loaded the page. Here is its state now; check it and try again if it still applies.',
    );
  }
}

function auditSnapshot(state: SecurityState) {
  return {
    status: state.status,
    passwordResetRequired: state.passwordResetRequired,
    twoFactor: state.twoFactor,
    sessionsValidAfter: state.sessionsValidAfter,
    version: state.version,
  };
}

/** The audit row of an account action: who, why (reason code and note), and the state before and after. */
export function auditAccountAction(
  tx: TxContext,
  action: AccountAction,
  input: AccountActionInput,
  before: AccountRow,
  after: AccountRow,
): Promise<void> {
  return recordAudit(tx, {
    action,
    targetType: 'account',
    targetId: before.id,
    reason: `${reasonLabels[input.reasonCode]}: ${input.note}`,
    before: auditSnapshot(securityState(before)),
    after: auditSnapshot(securityState(after)),
  });
}

/**
 * Sets the imposed columns and bumps the version, writes the audit row, and queues the webhook and (with a
 * template) the customer notice, all in the caller's transaction. Returns the updated account.
 */
export async function commitAccountChange(
  tx: TxContext,
  change: {
    action: AccountAction;
    input: AccountActionInput;
    account: AccountRow;
    set: AccountChangeSet;
    at: Date;
    notice: NoticeTemplate;
  },
): Promise<AccountRow> {
  const { action, input, account, at } = change;
  const [updated] = (await tx.db
    .update(accounts)
    .set({ ...change.set, version: sql`${accounts.version} + 1`, updatedAt: sql`now()` })
    .where(eq(accounts.id, account.id))
    .returning()) as [AccountRow];
  await auditAccountAction(tx, action, input, account, updated);
  // Every notice carries a "not me" link, issued in this transaction: the notice and its link commit together.
  const link = noticeChannel(updated)
    ? await issueReportLink(tx.db, { accountId: account.id, eventIds: [], category: 'other', source: 'notice' })
    : null;
  await enqueueSecurityChange(
    tx.db,
    {
      accountId: account.id,
      externalId: account.externalId,
      action,
      state: securityState(updated),
      actor: { email: tx.actor.email, role: tx.actor.role },
      reasonCode: input.reasonCode,
      at,
    },
    noticeFor(change.notice, updated, link?.url),
  );
  return updated;
}

/** The answer of a change made: stored under the key, with the account's new state. */
export function answerChanged(
  tx: TxContext,
  input: AccountActionInput,
  updated: AccountRow,
  message: string,
): Promise<AccountActionResult> {
  return saveIdempotentResult(tx, input, { changed: true, message, state: securityState(updated) });
}
