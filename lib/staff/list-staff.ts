import { asc } from 'drizzle-orm';
import { staffUsers } from '@/db/schema';
import { authorize, type ServiceContext } from '@/lib/context';

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

export async function listStaff(ctx: ServiceContext, now = new Date()): Promise<StaffListItem[]> {
  authorize(ctx, 'staff.manage');
  const rows = await ctx.db
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
