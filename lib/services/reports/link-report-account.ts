import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { accounts } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';
import { invalid } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import { changeReport, ReportRef, type ReportChangeResult } from './report-workflow';

const LinkInput = ReportRef.extend({ accountId: z.uuid('is not an account id') });

/** The agent links a report that matched no account (or several) to the right one. */
export async function linkReportAccount(db: Db, actor: Actor, input: unknown): Promise<ReportChangeResult> {
  requirePermission(actor, 'reports.triage');
  const data = parseInput(LinkInput, input);
  const [account] = await db.select({ id: accounts.id, externalId: accounts.externalId }).from(accounts).where(eq(accounts.id, data.accountId));
  if (!account) throw invalid('Invalid input: accountId', { accountId: ['is not a known account'] });
  return changeReport(db, actor, data, {
    action: 'report.link_account',
    alreadyDone: (r) => (r.accountId === data.accountId ? 'Already linked to this account; nothing changed.' : null),
    set: { accountId: data.accountId, candidateAccountIds: [] },
    done: `Linked to ${account.externalId}.`,
  });
}
