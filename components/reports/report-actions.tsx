'use client';

import { useActionState, useRef, useState } from 'react';
import { reportAction } from '@/app/(console)/reports/actions';
import { ActionMessage } from '@/components/forms/action-message';
import { buttonDanger, buttonPrimary, buttonSecondary, input } from '@/components/ui/styles';

const moveLabels: Record<string, string> = {
  triaged: 'Mark triaged',
  investigating: 'Investigate',
  awaiting_customer: 'Wait for customer',
  resolved: 'Resolve…',
  rejected: 'Reject as spam',
};
const resolutions = [
  ['account_secured', 'Account secured'],
  ['confirmed_fraud', 'Confirmed fraud'],
  ['customer_error', 'Customer error'],
  ['no_action_needed', 'No action needed'],
  ['duplicate', 'Duplicate'],
] as const;

export interface ReportActionsProps {
  reportId: string;
  version: number;
  moves: string[];
  assignedToMe: boolean;
  /** The current assignee, and the agents and admins a report can go to. */
  assigneeId: string | null;
  staff: { id: string; name: string }[];
  canPlaybook: boolean;
  account: { id: string; version: number; label: string } | null;
}

/** Triage levers of one report: moves along the workflow, claiming, and the secure-account playbook. */
export function ReportActions(p: ReportActionsProps) {
  const [state, action, pending] = useActionState(async (previous: unknown, form: FormData) => {
    const result = await reportAction(previous, form);
    if (result.ok) dialog.current?.close();
    return result;
  }, null);
  const [resolving, setResolving] = useState(false);
  const [key, setKey] = useState('');
  const [playbookOpen, setPlaybookOpen] = useState(false);
  const dialog = useRef<HTMLDialogElement>(null);
  const ref = (
    <>
      <input type="hidden" name="reportId" value={p.reportId} />
      <input type="hidden" name="version" value={p.version} />
    </>
  );
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap gap-2">
        {!p.assignedToMe && p.moves.length > 0 ? (
          <form action={action}>
            {ref}
            <input type="hidden" name="intent" value="claim" />
            <button type="submit" className={buttonSecondary} disabled={pending}>
              Claim
            </button>
          </form>
        ) : null}
        {p.canPlaybook && p.account && p.moves.length > 0 ? (
          <button
            type="button"
            className={buttonDanger}
            onClick={() => {
              setKey(crypto.randomUUID());
              setPlaybookOpen(true);
              dialog.current?.showModal();
            }}
          >
            Secure account…
          </button>
        ) : null}
        {p.moves
          .filter((m) => m !== 'resolved')
          .map((m) => (
            <form key={m} action={action}>
              {ref}
              <input type="hidden" name="intent" value="move" />
              <input type="hidden" name="to" value={m} />
              <button type="submit" className={buttonSecondary} disabled={pending}>
                {moveLabels[m]}
              </button>
            </form>
          ))}
        {p.moves.includes('resolved') ? (
          <button type="button" className={buttonPrimary} onClick={() => setResolving(true)}>
            Resolve…
          </button>
        ) : null}
      </div>
      {p.moves.length > 0 ? (
        // Keyed by the assignee: React resets a form after its action, and the select must then show the new one.
        <form
          key={p.assigneeId ?? 'unassigned'}
          action={action}
          className="flex flex-wrap items-end gap-2"
          aria-label="Assign report"
        >
          {ref}
          <input type="hidden" name="intent" value="assign" />
          <div>
            <label htmlFor="report-assignee" className="block text-sm font-medium">
              Assign to
            </label>
            <select
              id="report-assignee"
              name="assigneeId"
              defaultValue={p.assigneeId ?? ''}
              className={`${input} mt-1`}
            >
              <option value="">Nobody (unassigned)</option>
              {p.staff.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className={buttonSecondary} disabled={pending}>
            Assign
          </button>
        </form>
      ) : null}
      {resolving ? (
        <form
          action={action}
          onSubmit={() => setResolving(false)}
          className="flex flex-wrap items-end gap-2 rounded-md border border-slate-200 p-3 dark:border-slate-700"
          aria-label="Resolve report"
        >
          {ref}
          <input type="hidden" name="intent" value="move" />
          <input type="hidden" name="to" value="resolved" />
          <div>
            <label htmlFor="resolution" className="block text-sm font-medium">
              Resolution
            </label>
            <select id="resolution" name="resolution" required defaultValue="" className={`${input} mt-1`}>
              <option value="" disabled>
                Choose…
              </option>
              {resolutions.map(([v, l]) => (
                <option key={v} value={v}>
                  {l}
                </option>
              ))}
            </select>
          </div>
          <button type="submit" className={buttonPrimary} disabled={pending}>
            Resolve report
          </button>
          <button type="button" className={buttonSecondary} onClick={() => setResolving(false)}>
            Cancel
          </button>
        </form>
      ) : null}
      {state && (state.ok || !playbookOpen) ? <ActionMessage state={state} /> : null}
      <dialog
        ref={dialog}
        onClose={() => setPlaybookOpen(false)}
        aria-labelledby="playbook-title"
        className="m-auto w-full max-w-lg rounded-lg border border-slate-200 bg-white p-0 text-slate-900 shadow-xl backdrop:bg-slate-900/40 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
      >
        <form action={action} className="space-y-3 p-5">
          <h2 id="playbook-title" className="text-base font-semibold">
            Secure {p.account?.label ?? 'the account'}?
          </h2>
          <p className="text-sm text-slate-700 dark:text-slate-300">
            Forces a password reset and ends every session now, in one step; each action is recorded on the account and
            noted on this report. The customer is told.
          </p>
          {ref}
          <input type="hidden" name="intent" value="playbook" />
          <input type="hidden" name="accountVersion" value={p.account?.version ?? ''} />
          <input type="hidden" name="idempotencyKey" value={key} />
          <label className="flex items-center gap-2 text-sm">
            <input type="checkbox" name="lock" className="h-4 w-4" /> Also lock the account
          </label>
          <div>
            <label htmlFor="playbook-note" className="block text-sm font-medium">
              Note (what you checked)
            </label>
            <textarea
              id="playbook-note"
              name="note"
              required
              maxLength={1000}
              rows={3}
              className={`${input} mt-1 w-full`}
            />
          </div>
          {state && !state.ok && playbookOpen ? <ActionMessage state={state} /> : null}
          <div className="flex justify-end gap-2">
            <button type="button" className={buttonSecondary} onClick={() => dialog.current?.close()}>
              Cancel
            </button>
            <button type="submit" className={buttonDanger} disabled={pending}>
              Secure account
            </button>
          </div>
        </form>
      </dialog>
    </div>
  );
}

/** Internal notes and public replies (a reply shows on the customer's status page and goes out as a notice). */
export function ReportMessageForm({ reportId, version }: { reportId: string; version: number }) {
  const [state, action, pending] = useActionState(reportAction, null);
  return (
    <form action={action} className="space-y-2" aria-label="Add a note or reply">
      <input type="hidden" name="intent" value="message" />
      <input type="hidden" name="reportId" value={reportId} />
      <input type="hidden" name="version" value={version} />
      <label htmlFor="message-body" className="block text-sm font-medium">
        Note or reply
      </label>
      <textarea id="message-body" name="body" required maxLength={4000} rows={3} className={`${input} w-full`} />
      <div className="flex flex-wrap items-center gap-4 text-sm">
        <label className="flex items-center gap-1.5">
          <input type="radio" name="visibility" value="internal" defaultChecked /> Internal note
        </label>
        <label className="flex items-center gap-1.5">
          <input type="radio" name="visibility" value="public" /> Reply to the customer
        </label>
        <button type="submit" className={buttonSecondary} disabled={pending}>
          Add
        </button>
      </div>
      <ActionMessage state={state} />
    </form>
  );
}

/** Links a report to an account: one of the candidates, or by the account's Vigil or platform id. */
export interface LinkAccountFormProps {
  reportId: string;
  version: number;
  /** Accounts matching the contact the customer gave. */
  candidates: { id: string; label: string }[];
  /** The agent's own search (`?find=`): null results when nothing was searched yet. */
  search: { q: string; maxLength: number; results: { id: string; label: string }[] | null };
}

/** Links an unmatched report to an account: one of the contact's matches, or one the agent searches for. */
export function LinkAccountForm({ reportId, version, candidates, search }: LinkAccountFormProps) {
  const [state, action, pending] = useActionState(reportAction, null);
  const pick = ({ id, label }: { id: string; label: string }) => (
    <li key={id}>
      <form action={action} className="flex items-center justify-between gap-2 text-sm">
        <input type="hidden" name="intent" value="link" />
        <input type="hidden" name="reportId" value={reportId} />
        <input type="hidden" name="version" value={version} />
        <input type="hidden" name="accountId" value={id} />
        <span className="break-all">{label}</span>
        <button type="submit" className={buttonSecondary} disabled={pending} aria-label={`Link ${label}`}>
          Link
        </button>
      </form>
    </li>
  );
  return (
    <div className="space-y-3">
      {candidates.length > 0 ? (
        <ul aria-label="Accounts matching the contact" className="space-y-2">
          {candidates.map(pick)}
        </ul>
      ) : null}
      <form role="search" aria-label="Find the account" className="flex items-end gap-2">
        <div className="flex-1">
          <label htmlFor="find-account" className="block text-sm font-medium">
            Find the account
          </label>
          <input
            id="find-account"
            name="find"
            type="search"
            defaultValue={search.q}
            maxLength={search.maxLength}
            className={`${input} mt-1 w-full`}
            placeholder="Part of an e-mail, phone, platform id or name"
          />
        </div>
        <button type="submit" className={buttonSecondary}>
          Search
        </button>
      </form>
      {search.results === null ? null : search.results.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">
          No account matches “{search.q}”. Try a shorter part, or the digits of the phone number.
        </p>
      ) : (
        <ul aria-label="Accounts found" className="space-y-2">
          {search.results.map(pick)}
        </ul>
      )}
      <ActionMessage state={state} />
    </div>
  );
}
