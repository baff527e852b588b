import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { accounts } from '@/db/schema';
import { authorize, withTransaction, type ServiceContext } from '@/lib/context';
import { invalid } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import { commitChange, lockForChange } from '@/lib/workflow/versioned';
import { reportCase, ReportRef, reportState, type ReportChangeResult } from './report-workflow';

const LinkInput = ReportRef.extend({
  accountId: z.string().trim().min(1, "give the account's Vigil id or platform id").max(128),
});

/** The agent links a report that matched no account (or several) to the right one. */
export async function linkReportAccount(ctx: ServiceContext, input: unknown): Promise<ReportChangeResult> {
  authorize(ctx, 'reports.triage');
  const data = parseInput(LinkInput, input);
  const byId = z.uuid().safeParse(data.accountId).success;
  const [account] = await ctx.db
    .select({ id: accounts.id, externalId: accounts.externalId })
    .from(accounts)
    .where(byId ? eq(accounts.id, data.accountId) : eq(accounts.externalId, data.accountId));
  if (!account) throw invalid('Invalid input: accountId', { accountId: ['is not a known account'] });
  return withTransaction(ctx, async (tx) => {
    const report = await lockForChange(tx, reportCase, data.reportId);
    if (report.accountId === account.id)
      return {
        changed: false,
        message: 'Already linked to this account; nothing changed.',
        report: reportState(report),
      };
    const updated = await commitChange(tx, reportCase, report, {
      version: data.version,
      set: { accountId: account.id, candidateAccountIds: [] },
      action: 'report.link_account',
    });
    return { changed: true, message: `Linked to ${account.externalId}.`, report: reportState(updated) };
  });
}
