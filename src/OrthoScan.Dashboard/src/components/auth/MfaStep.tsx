'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '@/api/client';
import { asApiError, type ApiError } from '@/api/errors';
import type { EnrollMfaResponse, MfaChallenge } from '@/api/types';
import { CopyButton } from '@/components/CopyButton';
import { Button, ProblemAlert, Skeleton, TextField } from '@/components/ui';

interface Props {
  challenge: MfaChallenge;
  /** The access token is in memory when this runs. */
  onSignedIn: () => void;
  /** The MFA token expired or was refused: go back to the password step. */
  onRestart: () => void;
}

function groupSecret(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}

/** Ten letters/digits, optionally split 5-5 by a dash, any case (the API normalises it). */
const RECOVERY_CODE = /^[A-Za-z0-9]{5}-?[A-Za-z0-9]{5}$/;

const RECOVERY_FILE_NAME = 'orthoscan-recovery-codes.txt';

function downloadRecoveryCodes(codes: string[]) {
  const text = [
    'OrthoScan recovery codes',
    'Each code signs you in once if you lose your phone. Keep this file somewhere safe.',
    '',
    ...codes,
    '',
  ].join('\n');
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = RECOVERY_FILE_NAME;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <section aria-labelledby="recovery-codes-heading" className="mt-4 border-t border-slate-200 pt-4">
      <h3 id="recovery-codes-heading" className="text-sm font-semibold text-slate-900">
        Recovery codes
      </h3>
      <p className="mt-1 text-sm text-slate-600">
        Keep these somewhere safe. Each one signs you in once if you lose your phone. They are shown only now.
      </p>
      <ul
        data-testid="recovery-codes"
        aria-label="Recovery codes"
        className="mt-3 grid max-w-xs grid-cols-2 gap-x-6 gap-y-1 rounded bg-white px-3 py-2 font-mono text-sm tracking-wider text-slate-900 ring-1 ring-slate-200"
      >
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <div className="mt-3 flex flex-wrap gap-2">
        <CopyButton value={codes.join('\n')} label="Copy codes" />
        <Button variant="secondary" onClick={() => downloadRecoveryCodes(codes)}>
          Download
        </Button>
      </div>
    </section>
  );
}

/**
 * Second sign-in step: enrol an authenticator (QR + secret + one-time recovery codes) when needed, then a 6-digit
 * code. At a later sign-in a recovery code can stand in for the authenticator code.
 */
export function MfaStep({ challenge, onSignedIn, onRestart }: Props) {
  const [mode, setMode] = useState(challenge.mfaRequired);
  const [enrolment, setEnrolment] = useState<EnrollMfaResponse | null>(null);
  const [enrolError, setEnrolError] = useState<ApiError | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [useRecovery, setUseRecovery] = useState(false);
  const [code, setCode] = useState('');
  const [codeError, setCodeError] = useState<string[] | undefined>();
  const [error, setError] = useState<ApiError | null>(null);
  const [expired, setExpired] = useState(false);
  const [busy, setBusy] = useState(false);
  const codeRef = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (mode !== 'enroll') return;
    let cancelled = false;
    setEnrolError(null);
    api.enrollMfa(challenge.mfaToken).then(
      (result) => !cancelled && setEnrolment(result),
      (e: unknown) => {
        if (cancelled) return;
        const problem = asApiError(e);
        if (problem.status === 409) setMode('verify');
        else if (problem.status === 401) setExpired(true);
        else setEnrolError(problem);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [mode, challenge.mfaToken, attempt]);

  useEffect(() => {
    if (mode === 'verify' || enrolment) codeRef.current?.focus();
  }, [mode, enrolment, useRecovery]);

  const recovery = mode === 'verify' && useRecovery;

  function switchMethod(toRecovery: boolean) {
    setUseRecovery(toRecovery);
    setCode('');
    setCodeError(undefined);
    setError(null);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const trimmed = code.replace(/\s/g, '');
    if (recovery) {
      if (!RECOVERY_CODE.test(trimmed)) {
        setCodeError(['Enter a recovery code: 10 letters and digits, like K7QWM-2PX9H.']);
        codeRef.current?.focus();
        return;
      }
    } else if (!/^\d{6}$/.test(trimmed)) {
      setCodeError(['Enter the 6-digit code from your authenticator app.']);
      codeRef.current?.focus();
      return;
    }
    setCodeError(undefined);
    setBusy(true);
    try {
      await api.verifyMfa({ mfaToken: challenge.mfaToken, code: recovery ? trimmed.toUpperCase() : trimmed });
      onSignedIn();
    } catch (e) {
      const problem = asApiError(e);
      if (problem.slug === 'invalid-mfa-token') setExpired(true);
      else if (problem.fieldErrors.code) setCodeError(problem.fieldErrors.code);
      else if (problem.slug === 'invalid-mfa-code') setCodeError([problem.title, problem.detail].filter(Boolean) as string[]);
      else setError(problem);
      setCode('');
      codeRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  if (expired) {
    return (
      <div className="flex flex-col gap-4">
        <ProblemAlert error={{ title: 'The sign-in step has expired.', detail: 'For your security the code step only lasts a few minutes. Sign in again.' }} />
        <Button onClick={onRestart}>Sign in again</Button>
      </div>
    );
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-labelledby="mfa-heading">
      <div>
        <h2 id="mfa-heading" className="text-lg font-semibold text-slate-900">
          {mode === 'enroll' ? 'Set up two-factor authentication' : 'Enter your authentication code'}
        </h2>
        <p className="mt-1 text-sm text-slate-600">
          {mode === 'enroll'
            ? 'Patient data needs a second factor. Scan the QR code with an authenticator app (such as 1Password, Google Authenticator or Microsoft Authenticator), then enter the 6-digit code it shows.'
            : recovery
              ? 'Enter one of the recovery codes you saved when you set up two-factor authentication. Each code works once.'
              : 'Open your authenticator app and enter the 6-digit code for OrthoScan.'}
        </p>
      </div>

      {mode === 'enroll' && (
        <div className="rounded-md border border-slate-200 bg-slate-50 p-4">
          {enrolError ? (
            <ProblemAlert error={enrolError}>
              <Button variant="secondary" className="mt-2" onClick={() => setAttempt((a) => a + 1)}>
                Retry
              </Button>
            </ProblemAlert>
          ) : enrolment ? (
            <>
              <div className="flex flex-col items-center gap-3 sm:flex-row sm:items-start">
                {/* eslint-disable-next-line @next/next/no-img-element -- a data: URI from the API, nothing to optimise */}
                <img
                  src={enrolment.qrCodePng}
                  alt="QR code to add OrthoScan to your authenticator app"
                  width={160}
                  height={160}
                  className="h-40 w-40 rounded border border-slate-200 bg-white p-1"
                />
                <div className="text-sm text-slate-700">
                  <p className="font-medium">Can&apos;t scan it?</p>
                  <p className="mt-1">Enter this key in your app instead:</p>
                  <p className="mt-2 break-all rounded bg-white px-2 py-1 font-mono text-sm tracking-wider text-slate-900 ring-1 ring-slate-200" data-testid="mfa-secret">
                    {groupSecret(enrolment.secret)}
                  </p>
                </div>
              </div>
              {enrolment.recoveryCodes?.length > 0 && <RecoveryCodes codes={enrolment.recoveryCodes} />}
            </>
          ) : (
            <div className="flex items-center gap-3" aria-busy="true" aria-label="Preparing your QR code">
              <Skeleton className="h-40 w-40" />
              <div className="flex flex-1 flex-col gap-2">
                <Skeleton className="h-4 w-32" />
                <Skeleton className="h-4 w-48" />
              </div>
            </div>
          )}
        </div>
      )}

      <ProblemAlert error={error} />

      {recovery ? (
        <TextField
          key="recovery-code"
          ref={codeRef}
          label="Recovery code"
          name="recoveryCode"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          maxLength={11}
          placeholder="XXXXX-XXXXX"
          value={code}
          onChange={(e) => setCode(e.target.value)}
          errors={codeError}
          className="max-w-[12rem] font-mono tracking-widest"
        />
      ) : (
        <TextField
          ref={codeRef}
          label="6-digit code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          maxLength={7}
          value={code}
          onChange={(e) => setCode(e.target.value)}
          errors={codeError}
          className="max-w-[12rem] font-mono tracking-widest"
          disabled={mode === 'enroll' && !enrolment}
        />
      )}
      <Button type="submit" busy={busy} disabled={mode === 'enroll' && !enrolment}>
        {mode === 'enroll' ? 'Turn on and continue' : 'Verify and continue'}
      </Button>
      {mode === 'verify' && (
        <button
          type="button"
          onClick={() => switchMethod(!useRecovery)}
          className="self-start rounded text-sm font-medium text-accent-700 underline-offset-2 hover:underline focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-accent-700"
        >
          {useRecovery ? 'Use the authenticator app' : 'Use a recovery code instead'}
        </button>
      )}
    </form>
  );
}
