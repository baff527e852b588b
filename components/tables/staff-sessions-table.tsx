import { EndSessionButton } from '@/components/forms/my-security-forms';
import { DataTable } from '@/components/tables/data-table';
import { Badge } from '@/components/ui/badge';
import { mono, td } from '@/components/ui/styles';
import { TimeAgo } from '@/components/ui/time-ago';
import type { StaffSessionView } from '@/lib/staff/staff-sessions';

/** Live staff sessions with where they come from and an End button each (My security, and admins for everyone). */
export function StaffSessionsTable({
  sessions,
  showStaff,
  label,
}: {
  sessions: StaffSessionView[];
  showStaff: boolean;
  label: string;
}) {
  const now = new Date();
  return (
    <DataTable
      label={label}
      columns={[...(showStaff ? ['Staff'] : []), 'Signed in', 'Last active', 'From', 'Device', '']}
    >
      {sessions.map((s) => (
        <tr key={s.id}>
          {showStaff ? <td className={td}>{s.staffEmail}</td> : null}
          <td className={td}>
            <TimeAgo date={s.createdAt} now={now} />
            {s.current ? (
              <>
                {' '}
                <Badge tone="good">this session</Badge>
              </>
            ) : null}
            {!s.secondFactor ? (
              <>
                {' '}
                <Badge tone="medium">password only</Badge>
              </>
            ) : null}
          </td>
          <td className={td}>
            <TimeAgo date={s.lastSeenAt} now={now} />
          </td>
          <td className={`${td} ${mono}`}>{s.ip ?? '—'}</td>
          <td className={`${td} max-w-xs truncate`} title={s.userAgent ?? undefined}>
            {s.userAgent ?? '—'}
          </td>
          <td className={td}>
            <EndSessionButton sessionId={s.id} label={`End session from ${s.ip ?? 'unknown address'}`} />
          </td>
        </tr>
      ))}
    </DataTable>
  );
}
