import type { Metadata } from 'next';
import Link from 'next/link';
import { AccountsTable } from '@/components/tables/accounts-table';
import { EmptyState } from '@/components/ui/empty-state';
import { buttonPrimary, buttonSecondary, input } from '@/components/ui/styles';
import { pageContext } from '@/app/_adapters/page-context';
import { contactsShown, maxSearchLength, searchAccounts } from '@/lib/accounts/accounts';
import { logContactViews } from '@/lib/accounts/log-contact-views';
import { hrefWith, param, type SearchParams } from '@/lib/search-params';

export const metadata: Metadata = { title: 'Accounts' };

export default async function AccountsPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const ctx = await pageContext();
  const params = await searchParams;
  const result = await searchAccounts(ctx, { q: param(params, 'q'), after: param(params, 'after') });
  // A list that shows full contacts is a view of each of them (logged at most once an hour per account).
  const shown = contactsShown(result.contactsMasked, result.items);
  if (shown.length > 0) await logContactViews(ctx, shown);
  const now = new Date();
  return (
    <div className="space-y-4">
      <div>
        <h1 className="text-xl font-semibold">Accounts</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Customer accounts the platform has reported, most recently active first.
        </p>
      </div>
      <form action="/accounts" className="flex max-w-xl gap-2">
        <label htmlFor="account-search" className="sr-only">
          Search accounts
        </label>
        <input
          id="account-search"
          name="q"
          type="search"
          defaultValue={result.q}
          maxLength={maxSearchLength}
          placeholder="Part of an e-mail, phone, platform id or name"
          className={`${input} flex-1`}
        />
        <button type="submit" className={buttonPrimary}>
          Search
        </button>
      </form>
      {result.items.length === 0 ? (
        <EmptyState title={result.q ? `No account matches “${result.q}”` : 'No accounts yet'}>
          {result.q
            ? 'Search looks inside e-mails, phone numbers, platform ids and names. Try a shorter part, or the digits of the phone number.'
            : 'Accounts appear here as soon as the platform sends their first login or OTP event.'}
        </EmptyState>
      ) : (
        <AccountsTable items={result.items} now={now} />
      )}
      <nav aria-label="Pages" className="flex gap-2">
        {param(params, 'after') ? (
          <Link href={hrefWith('/accounts', params, { after: null })} className={buttonSecondary}>
            First page
          </Link>
        ) : null}
        {result.next ? (
          <Link href={hrefWith('/accounts', params, { after: result.next })} className={buttonSecondary}>
            Next page
          </Link>
        ) : null}
      </nav>
    </div>
  );
}
