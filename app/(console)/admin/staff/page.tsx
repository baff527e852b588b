import type { Metadata } from 'next';
import { DataTable } from '@/components/tables/data-table';
import { notFound } from 'next/navigation';
import { pageContext } from '@/app/_adapters/page-context';
import { CreateStaffForm } from '@/components/forms/create-staff-form';
import { StaffRowActions } from '@/components/forms/staff-row-actions';
import { Badge } from '@/components/ui/badge';
import { Card } from '@/components/ui/card';
import { td } from '@/components/ui/styles';
import { TimeAgo } from '@/components/ui/time-ago';
import { can } from '@/lib/auth/permissions';
import { listStaff } from '@/lib/staff/list-staff';
import { listStaffSessions } from '@/lib/staff/staff-sessions';
import { StaffSessionsTable } from '@/components/tables/staff-sessions-table';

export const metadata: Metadata = { title: 'Staff' };

export default async function StaffPage() {
  const ctx = await pageContext();
  if (!can(ctx.actor, 'staff.manage')) notFound(); // the same answer as a page that does not exist
  const [staff, sessions] = await Promise.all([listStaff(ctx), listStaffSessions(ctx)]);
  const now = new Date();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Staff</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Who can sign in to Vigil, and with which role. Every change is recorded in the audit log.
        </p>
      </div>
      <Card title="Add a staff member">
        <CreateStaffForm />
      </Card>
      <DataTable label="Staff members" columns={['Name', 'Email', 'State', 'Last sign-in', 'Actions']}>
        {staff.map((s) => (
          <tr key={s.id}>
            <td className={td}>
              {s.name} <Badge tone="info">{s.role}</Badge>
            </td>
            <td className={td}>{s.email}</td>
            <td className={td}>
              {s.disabled ? (
                <Badge tone="critical">disabled</Badge>
              ) : s.locked ? (
                <Badge tone="high">locked out</Badge>
              ) : (
                <Badge tone="good">active</Badge>
              )}
            </td>
            <td className={td}>
              <TimeAgo date={s.lastSignInAt} now={now} />
            </td>
            <td className={td}>
              <StaffRowActions
                staffId={s.id}
                email={s.email}
                role={s.role}
                disabled={s.disabled}
                isSelf={s.id === ctx.actor.id}
              />
            </td>
          </tr>
        ))}
      </DataTable>
      <div>
        <h2 className="text-base font-semibold">Active sessions</h2>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          Where each staff member is signed in now. Ending one signs that browser out on its next request.
        </p>
      </div>
      <StaffSessionsTable sessions={sessions} showStaff label="Active staff sessions" />
    </div>
  );
}
