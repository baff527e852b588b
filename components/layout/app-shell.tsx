import Link from 'next/link';
import type { ReactNode } from 'react';
import type { StaffActor } from '@/lib/auth/actor';
import { can, type Permission } from '@/lib/auth/permissions';
import { Badge } from '@/components/ui/badge';
import { input } from '@/components/ui/styles';
import { SidebarNav, type NavItem } from './sidebar-nav';
import { SignOutButton } from './sign-out-button';

const navigation: (NavItem & { permission: Permission })[] = [
  { href: '/', label: 'Overview', permission: 'overview.view' },
  { href: '/alerts', label: 'Alerts', permission: 'alerts.view' },
  { href: '/reports', label: 'Reports', permission: 'reports.view' },
  { href: '/accounts', label: 'Accounts', permission: 'accounts.view' },
  { href: '/analytics', label: 'Analytics', permission: 'analytics.view' },
  { href: '/audit', label: 'Audit', permission: 'audit.view' },
  { href: '/admin/staff', label: 'Admin', permission: 'staff.manage' },
];

const Logo = () => (
  <span
    className="flex h-7 w-7 items-center justify-center rounded-md bg-indigo-600 text-sm font-bold text-white"
    aria-hidden
  >
    V
  </span>
);

export function AppShell({ actor, children }: { actor: StaffActor; children: ReactNode }) {
  const items = navigation.filter((n) => can(actor, n.permission)).map(({ href, label }) => ({ href, label }));
  return (
    <div className="flex min-h-screen">
      <aside className="hidden w-52 shrink-0 border-r border-slate-200 bg-white px-3 py-4 md:block dark:border-slate-800 dark:bg-slate-950">
        <Link href="/" className="mb-6 flex items-center gap-2 px-3">
          <Logo />
          <span className="font-semibold tracking-tight">Vigil</span>
        </Link>
        <SidebarNav items={items} />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="flex flex-wrap items-center gap-x-4 gap-y-2 border-b border-slate-200 bg-white px-4 py-2.5 dark:border-slate-800 dark:bg-slate-950">
          {/* Without the sidebar (narrow screens) the header carries the logo. */}
          <Link href="/" className="md:hidden" aria-label="Vigil: overview">
            <Logo />
          </Link>
          {/* On a phone the lookup takes a row of its own, wide enough for its whole hint. */}
          <form
            action="/accounts"
            role="search"
            className="order-last basis-full sm:order-none sm:basis-auto sm:flex-1"
          >
            <label htmlFor="account-lookup" className="sr-only">
              Look up an account
            </label>
            <input
              id="account-lookup"
              name="q"
              type="search"
              placeholder="Look up an account: e-mail, phone, id, name"
              className={`${input} w-full max-w-md`}
            />
          </form>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <Link
              href="/security"
              className="max-w-[9rem] truncate hover:underline"
              title={`${actor.email}: my security (second factors, sessions, password)`}
            >
              <span className="hidden sm:inline">{actor.name}</span>
              <span className="sm:hidden">My security</span>
            </Link>
            <Badge tone="info">{actor.role}</Badge>
            <SignOutButton />
          </div>
        </header>
        <div className="border-b border-slate-200 bg-white px-2 py-1.5 md:hidden dark:border-slate-800 dark:bg-slate-950">
          <SidebarNav items={items} horizontal />
        </div>
        <main className="min-w-0 flex-1 px-4 py-6 sm:px-6">{children}</main>
      </div>
    </div>
  );
}
