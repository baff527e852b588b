'use client';

import { useActionState, useState } from 'react';
import { customerDataAction } from '@/app/(console)/accounts/[id]/actions';
import { ActionMessage } from '@/components/forms/action-message';
import { Badge } from '@/components/ui/badge';
import { buttonDanger, buttonSecondary, input } from '@/components/ui/styles';

export interface CustomerDataProps {
  accountId: string;
  externalId: string;
  /** Why the account is held (empty: it is not). */
  holds: { kind: 'alert' | 'report' | 'explicit'; detail: string }[];
  canManage: boolean;
  pendingErasure: { id: string; requestedByMe: boolean; requestedBy: string | null } | null;
}

/**
 * The customer's data: legal hold (why the account is held; an admin sets or releases an explicit hold with a
 * reason), the export download, and erasure, which one admin asks for and a different admin approves.
 */
export function CustomerData(p: CustomerDataProps) {
  const [state, action, pending] = useActionState(customerDataAction, null);
  const [confirmErase, setConfirmErase] = useState(false);
  const explicit = p.holds.find((h) => h.kind === 'explicit');
  const held = p.holds.length > 0;
  return (
    <div className="space-y-3 text-sm">
      <div className="flex flex-wrap items-center gap-2" aria-label="Legal hold">
        {held ? (
          <>
            <Badge tone="high">legal hold</Badge>
            <span>
              {p.holds.map((h) => (h.kind === 'explicit' ? `set by an admin: ${h.detail}` : h.detail)).join(' · ')}
            </span>
          </>
        ) : (
          <span className="text-slate-600 dark:text-slate-400">
            Not under legal hold: data follows normal retention.
          </span>
        )}
      </div>
      {p.canManage ? (
        <>
          <form action={action} className="space-y-2">
            <input type="hidden" name="accountId" value={p.accountId} />
            {explicit ? (
              <button type="submit" name="intent" value="release" disabled={pending} className={buttonSecondary}>
                Release the hold
              </button>
            ) : (
              <div className="flex flex-wrap items-end gap-2">
                <div className="min-w-0 flex-1">
                  <label htmlFor="hold-reason" className="block font-medium">
                    Reason for a legal hold
                  </label>
                  <input
                    id="hold-reason"
                    name="reason"
                    maxLength={500}
                    placeholder="e.g. Police request 2026/118"
                    className={`${input} mt-1 w-full`}
                  />
                </div>
                <button type="submit" name="intent" value="hold" disabled={pending} className={buttonSecondary}>
                  Place on hold
                </button>
              </div>
            )}
          </form>
          <p>
            <a
              href={`/api/v1/accounts/${encodeURIComponent(p.externalId)}/export`}
              download
              className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
            >
              Download everything Vigil holds about this customer (JSON)
            </a>
            <span className="block text-xs text-slate-600 dark:text-slate-400">
              For a data request. The download is recorded in the audit log.
            </span>
          </p>
          <form action={action} className="space-y-2 border-t border-slate-200 pt-3 dark:border-slate-800">
            <input type="hidden" name="accountId" value={p.accountId} />
            {p.pendingErasure ? (
              p.pendingErasure.requestedByMe ? (
                <p role="status">Erasure requested by you: waiting for a different admin to approve it.</p>
              ) : (
                <>
                  <p>Erasure requested by {p.pendingErasure.requestedBy ?? 'another admin'}.</p>
                  <input type="hidden" name="requestId" value={p.pendingErasure.id} />
                  <button
                    type="submit"
                    name="intent"
                    value="approve_erasure"
                    disabled={pending || held}
                    className={buttonDanger}
                  >
                    Approve erasure
                  </button>
                </>
              )
            ) : confirmErase ? (
              <>
                <p>
                  Erasing removes the customer&apos;s name, contacts, IPs, devices and report details everywhere in
                  Vigil, for good. Counts in charts stay. A different admin must approve.
                </p>
                <div className="flex flex-wrap gap-2">
                  <button
                    type="submit"
                    name="intent"
                    value="request_erasure"
                    disabled={pending}
                    className={buttonDanger}
                  >
                    Request erasure
                  </button>
                  <button type="button" className={buttonSecondary} onClick={() => setConfirmErase(false)}>
                    Cancel
                  </button>
                </div>
              </>
            ) : (
              <button type="button" disabled={held} className={buttonSecondary} onClick={() => setConfirmErase(true)}>
                Erase customer data…
              </button>
            )}
            {held && !p.pendingErasure ? (
              <p className="text-xs text-slate-600 dark:text-slate-400">Erasure waits until the hold ends.</p>
            ) : null}
          </form>
        </>
      ) : null}
      <ActionMessage state={state} />
    </div>
  );
}
