'use client';

import { useState, useTransition } from 'react';
import { passkeySignInOptionsAction } from '@/app/login/actions';
import {
  finishPasskeyAuthenticationAction,
  finishPasskeyRegistrationAction,
  passkeyAuthenticationOptionsAction,
  passkeyRegistrationOptionsAction,
} from '@/app/login/second-factor/actions';

const button =
  'w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium hover:bg-slate-50 disabled:opacity-60 dark:border-slate-700 dark:bg-slate-950 dark:hover:bg-slate-900';

/*
 * The WebAuthn client and next-auth's client load when a ceremony starts, beside the request for its options (so the
 * wait is no longer): the step-up prompt (action-message.tsx) puts these buttons on every page with a form, and few
 * of its visitors touch a passkey.
 */
const webauthn = () => import('@simplewebauthn/browser');

/**
 * One button that runs one passkey ceremony; `ceremony` returns what to tell the person when it did not work
 * (null when it did). The browser's own refusal (cancelled, timed out, no authenticator) is said plainly.
 */
function PasskeyButton({ label, ceremony }: { label: string; ceremony: () => Promise<string | null> }) {
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="space-y-2">
      <button
        type="button"
        className={button}
        disabled={pending}
        onClick={() =>
          start(async () => {
            setError(null);
            try {
              setError(await ceremony());
            } catch (e) {
              setError(
                e instanceof Error && e.name === 'NotAllowedError'
                  ? 'The passkey request was cancelled.'
                  : 'The passkey did not work. Try again.',
              );
            }
          })
        }
      >
        {pending ? 'Waiting for your passkey…' : label}
      </button>
      {error ? (
        <p role="alert" className="text-sm text-red-700 dark:text-red-300">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** Registers a passkey (first sign-in, or another one on My security); `onDone` gets the recovery codes, if made. */
export function AddPasskeyButton({
  label = 'Use a passkey',
  onDone,
}: {
  label?: string;
  onDone: (recoveryCodes: string[] | null) => void;
}) {
  return (
    <PasskeyButton
      label={label}
      ceremony={async () => {
        const [options, { startRegistration }] = await Promise.all([passkeyRegistrationOptionsAction(), webauthn()]);
        if (!options.ok || !options.data) return options.ok ? 'Try again.' : options.error;
        const attestation = await startRegistration({ optionsJSON: options.data });
        const done = await finishPasskeyRegistrationAction(attestation);
        if (!done.ok) return done.error;
        onDone(done.data?.recoveryCodes ?? null);
        return null;
      }}
    />
  );
}

/** Verifies with a passkey: completes the sign-in, or confirms it is you for a step-up. */
export function UsePasskeyButton({ label = 'Use a passkey', onDone }: { label?: string; onDone: () => void }) {
  return (
    <PasskeyButton
      label={label}
      ceremony={async () => {
        const [options, { startAuthentication }] = await Promise.all([
          passkeyAuthenticationOptionsAction(),
          webauthn(),
        ]);
        if (!options.ok || !options.data) return options.ok ? 'Try again.' : options.error;
        const assertion = await startAuthentication({ optionsJSON: options.data });
        const done = await finishPasskeyAuthenticationAction(assertion);
        if (!done.ok) return done.error;
        onDone();
        return null;
      }}
    />
  );
}

/** "Sign in with a passkey" on the sign-in page: no password; the passkey names its owner. */
export function PasskeySignInButton({ callbackPath }: { callbackPath: string }) {
  return (
    <PasskeyButton
      label="Sign in with a passkey"
      ceremony={async () => {
        const [options, { startAuthentication }, { signIn }] = await Promise.all([
          passkeySignInOptionsAction(),
          webauthn(),
          import('next-auth/react'),
        ]);
        if (!options.ok || !options.data) return options.ok ? 'Try again.' : options.error;
        const assertion = await startAuthentication({ optionsJSON: options.data });
        const result = await signIn('passkey', { response: JSON.stringify(assertion), redirect: false });
        if (!result?.ok || result.error) return 'That passkey did not sign you in.';
        // A full load, so the server reads the new session cookie.
        window.location.assign(callbackPath);
        return null;
      }}
    />
  );
}
