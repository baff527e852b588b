'use client';

import { useActionState, useState, useTransition } from 'react';
import {
  confirmEnrolmentAction,
  startEnrolmentAction,
  verifySecondFactorAction,
} from '@/app/login/second-factor/actions';
import type { ActionResult } from '@/lib/actions/action-result';
import type { TotpEnrolment } from '@/lib/auth/second-factor';
import { AddPasskeyButton, UsePasskeyButton } from './passkey-buttons';

const card =
  'space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900';
const field =
  'mt-1 block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-base tracking-widest dark:border-slate-700 dark:bg-slate-950';
const primary =
  'w-full rounded-md bg-indigo-600 px-3 py-2 text-sm font-medium text-white hover:bg-indigo-500 disabled:opacity-60';

function Refusal({ state }: { state: ActionResult<unknown> | null }) {
  if (!state || state.ok) return null;
  return (
    <p role="alert" className="text-sm text-red-700 dark:text-red-300">
      {state.error}
    </p>
  );
}

/** Every later sign-in: a 6-digit code from the app, or a recovery code. */
export function VerifySecondFactorForm({ callbackPath, hasPasskey }: { callbackPath: string; hasPasskey: boolean }) {
  const [state, action, pending] = useActionState(verifySecondFactorAction, null);
  return (
    <form action={action} className={card}>
      {hasPasskey ? (
        <>
          <UsePasskeyButton onDone={() => window.location.assign(callbackPath)} />
          <p className="text-center text-xs text-slate-500">or</p>
        </>
      ) : null}
      <input type="hidden" name="callbackUrl" value={callbackPath} />
      <div>
        <label htmlFor="code" className="block text-sm font-medium">
          Authentication code
        </label>
        <input
          id="code"
          name="code"
          autoComplete="one-time-code"
          inputMode="text"
          required
          autoFocus
          className={field}
          aria-describedby="code-help"
        />
        <p id="code-help" className="mt-1 text-xs text-slate-600 dark:text-slate-400">
          6 digits from your authenticator app, or a recovery code (XXXXX-XXXXX).
        </p>
      </div>
      <Refusal state={state} />
      <button type="submit" disabled={pending} className={primary}>
        {pending ? 'Checking…' : 'Verify'}
      </button>
    </form>
  );
}

/** First sign-in: enrol an authenticator app (QR code and setup key), confirm it, keep the recovery codes. */
export function EnrolAuthenticatorApp({
  callbackPath,
  offerPasskey = true,
}: {
  callbackPath: string;
  offerPasskey?: boolean;
}) {
  const [enrolment, setEnrolment] = useState<TotpEnrolment | null>(null);
  const [startError, setStartError] = useState<string | null>(null);
  const [starting, startTransition] = useTransition();
  const [confirmed, confirm, confirming] = useActionState(confirmEnrolmentAction, null);
  const [passkeyDone, setPasskeyDone] = useState<{ codes: string[] } | null>(null);

  if (confirmed?.ok || passkeyDone) {
    const codes = passkeyDone?.codes ?? (confirmed?.ok ? confirmed.data?.recoveryCodes : null) ?? [];
    return (
      <div className={card}>
        <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
          {passkeyDone ? 'Your passkey is set up.' : 'Your authenticator app is set up.'}
        </p>
        {codes.length > 0 ? (
          <div>
            <h2 className="text-sm font-semibold">Your recovery codes</h2>
            <p className="mt-1 text-xs text-slate-600 dark:text-slate-400">
              Each works once, if your phone is lost. Store them somewhere safe now: they will not be shown again.
            </p>
            <ul data-testid="recovery-codes" className="mt-2 grid grid-cols-2 gap-1 font-mono text-sm select-all">
              {codes.map((c) => (
                <li key={c}>{c}</li>
              ))}
            </ul>
          </div>
        ) : null}
        <a href={callbackPath} className={`${primary} block text-center`}>
          {callbackPath === '/security' ? 'Done' : 'Continue to Vigil'}
        </a>
      </div>
    );
  }

  if (!enrolment) {
    return (
      <div className={card}>
        <p className="text-sm">
          Use an authenticator app on your phone (Google Authenticator, 1Password, Microsoft Authenticator, …).
        </p>
        {startError ? (
          <p role="alert" className="text-sm text-red-700 dark:text-red-300">
            {startError}
          </p>
        ) : null}
        <button
          type="button"
          disabled={starting}
          className={primary}
          onClick={() =>
            startTransition(async () => {
              const result = await startEnrolmentAction();
              if (result.ok && result.data) setEnrolment(result.data);
              else setStartError(result.ok ? 'Try again.' : result.error);
            })
          }
        >
          Set up an authenticator app
        </button>
        {offerPasskey ? (
          <>
            <p className="text-center text-xs text-slate-500">or</p>
            <AddPasskeyButton
              label="Use a passkey (this device, a security key or your phone)"
              onDone={(codes) => setPasskeyDone({ codes: codes ?? [] })}
            />
          </>
        ) : null}
      </div>
    );
  }

  return (
    <form action={confirm} className={card}>
      <input type="hidden" name="factorId" value={enrolment.factorId} />
      <ol className="list-decimal space-y-3 pl-5 text-sm">
        <li>
          Scan this code with your app.
          {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL made on the server, nothing to optimise */}
          <img src={enrolment.qrDataUrl} alt="QR code for your authenticator app" className="mt-2 h-44 w-44" />
        </li>
        <li>
          Or type this setup key into the app:
          <code
            data-testid="totp-setup-key"
            className="mt-1 block rounded bg-slate-100 px-2 py-1 font-mono text-sm break-all select-all dark:bg-slate-800"
          >
            {enrolment.setupKey}
          </code>
        </li>
        <li>
          <label htmlFor="code">Enter the 6-digit code the app shows</label>
          <input
            id="code"
            name="code"
            autoComplete="one-time-code"
            inputMode="numeric"
            pattern="[0-9]{6}"
            required
            className={field}
          />
        </li>
      </ol>
      <Refusal state={confirmed} />
      <button type="submit" disabled={confirming} className={primary}>
        {confirming ? 'Checking…' : 'Confirm'}
      </button>
    </form>
  );
}
