import type { ReactNode } from 'react';
import { AdminTabs } from '@/components/layout/admin-tabs';

// Navigation only: each admin page checks the permission itself.
export default function AdminLayout({ children }: { children: ReactNode }) {
  return (
    <div>
      <AdminTabs />
      {children}
    </div>
  );
}
