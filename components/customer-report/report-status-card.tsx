import clsx from 'clsx';
import type { Ref } from 'react';
import type { PublicStatus } from '@/lib/reports/public-status';

/** Each public status in plain words, with what it means for the customer. */
const statusWords: Record<PublicStatus, { label: string; meaning: string; tone: string }> = {
  received: {
    label: 'Received',
    meaning: 'We have your report. Someone from our security team will look at it soon.',
    tone: 'bg-slate-100 text-slate-900 ring-slate-400 dark:bg-slate-800 dark:text-slate-100',
  },
  in_review: {
    label: 'Being looked into',
    meaning: 'Someone from our security team is working on your report.',
    tone: 'bg-indigo-50 text-indigo-950 ring-indigo-400 dark:bg-indigo-950 dark:text-indigo-50',
  },
  waiting_for_you: {
    label: 'Waiting for your answer',
    meaning: 'We need something from you. Please read our latest message below.',
    tone: 'bg-amber-50 text-amber-950 ring-amber-500 dark:bg-amber-950 dark:text-amber-50',
  },
  resolved: {
    label: 'Resolved',
    meaning: 'We have finished looking into your report. Our message below says what we did.',
    tone: 'bg-emerald-50 text-emerald-950 ring-emerald-500 dark:bg-emerald-950 dark:text-emerald-50',
  },
  closed: {
    label: 'Closed',
    meaning: 'This report is closed. If you still need help, please send a new report.',
    tone: 'bg-slate-100 text-slate-900 ring-slate-400 dark:bg-slate-800 dark:text-slate-100',
  },
};

// The same text on the server and in the browser (no hydration mismatch), and unambiguous for everyone.
const replyTime = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });

interface PublicReport {
  reference: string;
  status: PublicStatus;
  replies: { at: string; body: string }[];
}

/** The public face of one report: its status and the team's public replies, rendered as plain text. */
export function ReportStatusCard({ ref, report }: { ref?: Ref<HTMLDivElement>; report: PublicReport }) {
  const words = statusWords[report.status];
  return (
    <div
      ref={ref}
      tabIndex={-1}
      aria-labelledby="report-status-title"
      className="space-y-5 rounded-xl border border-slate-300 bg-white p-5 dark:border-slate-700 dark:bg-slate-900"
    >
      <div>
        <h2 id="report-status-title" className="text-base font-medium text-slate-700 dark:text-slate-300">
          Report <span className="font-mono font-semibold text-slate-900 dark:text-slate-100">{report.reference}</span>
        </h2>
        <p className="mt-2">
          <span
            data-testid="report-status"
            className={clsx('inline-block rounded-full px-3 py-1 text-base font-semibold ring-1', words.tone)}
          >
            {words.label}
          </span>
        </p>
        <p className="mt-2 text-base">{words.meaning}</p>
      </div>
      <section className="space-y-3">
        <h3 className="text-base font-semibold">Messages from our team</h3>
        {report.replies.length === 0 ? (
          <p className="text-base text-slate-700 dark:text-slate-300">
            No messages yet. When we have news or a question, it will appear here.
          </p>
        ) : (
          <ol className="space-y-3">
            {report.replies.map((reply, i) => (
              <li key={`${reply.at}-${i}`} className="rounded-lg bg-slate-50 p-3 dark:bg-slate-800">
                <p className="text-sm text-slate-600 dark:text-slate-300">
                  <time dateTime={reply.at}>{replyTime.format(new Date(reply.at))} UTC</time>
                </p>
                <p className="mt-1 text-base break-words whitespace-pre-wrap">{reply.body}</p>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
