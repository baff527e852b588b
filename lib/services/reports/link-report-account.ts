import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { accounts } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { invalid } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import { changeReport, ReportRef, type ReportChangeResult } from './report-workflow';

const LinkInput = ReportRef.extend({
  accountId: z.string().trim().min(1, "give the account's Vigil id or platform id").max(128),
});

/** The agent links a report that matched no account (or several) to the right one. */
export async function linkReportAccount(db: Db, actor: Actor, input: unknown): Promise<ReportChangeResult> {
  requirePermission(actor, 'reports.triage');
  const data = parseInput(LinkInput, input);
  const byId = z.uuid().safeParse(data.accountId).success;
  const [account] = await db
    .select({ id: accounts.id, externalId: accounts.externalId })
    .from(accounts)
    .where(byId ? eq(accounts.id, data.accountId) : eq(accounts.externalId, data.accountId));
  if (!account) throw invalid('Invalid input: accountId', { accountId: ['is not a known account'] });
  return changeReport(db, actor, data, {
    action: 'report.link_account',
    alreadyDone: (r) => (r.accountId === account.id ? 'Already linked to this account; nothing changed.' : null),
    set: { accountId: account.id, candidateAccountIds: [] },
    done: `Linked to ${account.externalId}.`,
  });
}
