import { formatDistanceStrict } from 'date-fns';

export function utcLabel(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** "4 minutes ago", with the exact UTC time on hover. Rendered on the server, so no hydration drift. */
export function TimeAgo({ date, now = new Date() }: { date: Date | null; now?: Date }) {
  if (!date) return <span className="text-slate-400">—</span>;
  return (
    <time dateTime={date.toISOString()} title={utcLabel(date)} className="whitespace-nowrap">
      {formatDistanceStrict(date, now, { addSuffix: true })}
    </time>
  );
}
