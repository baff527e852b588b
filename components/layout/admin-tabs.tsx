'use client';

import clsx from 'clsx';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const tabs = [
  { href: '/admin/staff', label: 'Staff' },
  { href: '/admin/api-keys', label: 'API keys' },
  { href: '/admin/webhooks', label: 'Webhooks' },
  { href: '/admin/notifications', label: 'Notifications' },
  { href: '/admin/streams', label: 'Streams' },
  { href: '/admin/retention', label: 'Data retention' },
];

export function AdminTabs() {
  const pathname = usePathname();
  return (
    <nav
      aria-label="Admin sections"
      className="mb-6 flex gap-1 overflow-x-auto border-b border-slate-200 sm:gap-2 dark:border-slate-800"
    >
      {tabs.map((t) => (
        <Link
          key={t.href}
          href={t.href}
          aria-current={pathname.startsWith(t.href) ? 'page' : undefined}
          className={clsx(
            'border-b-2 px-2 py-2 text-sm font-medium whitespace-nowrap sm:px-3',
            pathname.startsWith(t.href)
              ? 'border-indigo-600 text-indigo-700 dark:text-indigo-300'
              : 'border-transparent text-slate-600 hover:text-slate-900 dark:text-slate-400',
          )}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
