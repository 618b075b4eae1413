'use client';

import Link from 'next/link';
import { useRef, useState, type FormEvent } from 'react';
import { api } from '@/api/client';
import { asApiError, type ApiError } from '@/api/errors';
import type { MfaChallenge } from '@/api/types';
import { Button, ProblemAlert, TextField } from '@/components/ui';
import { MfaStep } from './MfaStep';
import { looksLikeEmail } from '@/lib/format';

type FieldErrors = Partial<Record<'email' | 'password', string[]>>;

export function validateSignIn(email: string, password: string): FieldErrors {
  const errors: FieldErrors = {};
  if (!email.trim()) errors.email = ['Enter your email address.'];
  else if (!looksLikeEmail(email)) errors.email = ['Enter an email address like name@practice.com.'];
  if (!password) errors.password = ['Enter your password.'];
  return errors;
}

function retryText(problem: ApiError): string | null {
  if (!problem.retryAfter) return problem.detail;
  const minutes = Math.ceil(problem.retryAfter / 60);
  return problem.retryAfter < 90 ? `Try again in ${problem.retryAfter} seconds.` : `Try again in ${minutes} minutes.`;
}

/** Email + password, then the MFA step the API asks for (enrol or verify). */
export function SignInForm({ onSignedIn, notice }: { onSignedIn: () => void; notice?: string | null }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<Pick<ApiError, 'title' | 'detail'> | null>(null);
  const [busy, setBusy] = useState(false);
  const [challenge, setChallenge] = useState<MfaChallenge | null>(null);
  const emailRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const errors = validateSignIn(email, password);
    setFieldErrors(errors);
    if (errors.email) return emailRef.current?.focus();
    if (errors.password) return passwordRef.current?.focus();

    setBusy(true);
    try {
      setChallenge(await api.login({ email: email.trim(), password }));
      setPassword('');
    } catch (e) {
      const problem = asApiError(e);
      if (Object.keys(problem.fieldErrors).length > 0) setFieldErrors(problem.fieldErrors as FieldErrors);
      setError({ title: problem.title, detail: retryText(problem) });
      passwordRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  if (challenge) {
    return (
      <MfaStep
        challenge={challenge}
        onSignedIn={onSignedIn}
        onRestart={() => {
          setChallenge(null);
          setError(null);
        }}
      />
    );
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-labelledby="signin-heading">
      <div>
        <h1 id="signin-heading" className="text-lg font-semibold text-slate-900">
          Sign in to OrthoScan
        </h1>
        <p className="mt-1 text-sm text-slate-600">For doctors and practice teams.</p>
      </div>
      {notice && !error && <p role="status" className="rounded-md bg-slate-50 px-3 py-2 text-sm text-slate-700 ring-1 ring-slate-200">{notice}</p>}
      <ProblemAlert error={error} />
      <TextField
        ref={emailRef}
        label="Email"
        name="email"
        type="email"
        autoComplete="username"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
        errors={fieldErrors.email}
        // eslint-disable-next-line jsx-a11y/no-autofocus -- the form is the page's one task, so its first field takes the focus (UI.md: focus always somewhere useful)
        autoFocus
      />
      <TextField
        ref={passwordRef}
        label="Password"
        name="password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        errors={fieldErrors.password}
      />
      <p className="-mt-2 text-right text-sm">
        <Link href="/forgot-password/" className="font-medium text-accent-700 underline-offset-2 hover:underline">
          Forgot password?
        </Link>
      </p>
      <Button type="submit" busy={busy}>
        Continue
      </Button>
      <p className="text-center text-sm text-slate-600">
        New practice?{' '}
        <Link href="/signup/" className="font-medium text-accent-700 underline-offset-2 hover:underline">
          Create an account
        </Link>
      </p>
    </form>
  );
}
