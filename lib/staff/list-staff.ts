import { asc } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { staffUsers } from '@/db/schema';
import type { Actor } from '@/lib/auth/actor';
import { requirePermission } from '@/lib/auth/permissions';

export interface StaffListItem {
  id: string;
  email: string;
  name: string;
  role: 'agent' | 'analyst' | 'admin';
  disabled: boolean;
  locked: boolean;
  lastSignInAt: Date | null;
  createdAt: Date;
}

export async function listStaff(db: Db, actor: Actor, now = new Date()): Promise<StaffListItem[]> {
  requirePermission(actor, 'staff.manage');
  const rows = await db
    .select({
      id: staffUsers.id,
      email: staffUsers.email,
      name: staffUsers.name,
      role: staffUsers.role,
      disabled: staffUsers.disabled,
      lockedUntil: staffUsers.lockedUntil,
      lastSignInAt: staffUsers.lastSignInAt,
      createdAt: staffUsers.createdAt,
    })
    .from(staffUsers)
    .orderBy(asc(staffUsers.email));
  return rows.map(({ lockedUntil, ...r }) => ({ ...r, locked: lockedUntil !== null && lockedUntil > now }));
}
