import type { ReactNode } from 'react';
import { AppShell } from '@/components/layout/app-shell';
import { requireStaff } from '@/lib/auth/current-actor';

export const dynamic = 'force-dynamic';

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const actor = await requireStaff();
  return <AppShell actor={actor}>{children}</AppShell>;
}
