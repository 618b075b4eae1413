'use client';

import Link from 'next/link';
import { useRef, useState, type FormEvent } from 'react';
import { api } from '@/api/client';
import { asApiError, type ApiError } from '@/api/errors';
import { Button, Notice, ProblemAlert, TextField } from '@/components/ui';
import { looksLikeEmail } from '@/lib/format';

type FieldErrors = Partial<Record<'email', string[]>>;

export const FORGOT_PASSWORD_SENT =
  'If an account uses this email, a link to reset the password is on its way. It works once, for 30 minutes.';

export function validateForgotPassword(email: string): FieldErrors {
  if (!email.trim()) return { email: ['Enter your email address.'] };
  if (!looksLikeEmail(email)) return { email: ['Enter an email address like name@practice.com.'] };
  return {};
}

function retryText(problem: ApiError): string | null {
  if (!problem.retryAfter) return problem.detail;
  const minutes = Math.ceil(problem.retryAfter / 60);
  return problem.retryAfter < 90 ? `Try again in ${problem.retryAfter} seconds.` : `Try again in ${minutes} minutes.`;
}

const linkClass = 'font-medium text-accent-700 underline-offset-2 hover:underline';

/** Asks for a reset link. The answer is the same whether or not an account uses the email. */
export function ForgotPasswordForm() {
  const [email, setEmail] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<Pick<ApiError, 'title' | 'detail'> | null>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState(false);
  const emailRef = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setError(null);
    const errors = validateForgotPassword(email);
    setFieldErrors(errors);
    if (errors.email) return emailRef.current?.focus();

    setBusy(true);
    try {
      await api.forgotPassword(email.trim());
      setSent(true);
    } catch (e) {
      const problem = asApiError(e);
      if (Object.keys(problem.fieldErrors).length > 0) setFieldErrors(problem.fieldErrors as FieldErrors);
      setError({ title: problem.title, detail: retryText(problem) });
      emailRef.current?.focus();
    } finally {
      setBusy(false);
    }
  }

  if (sent) {
    return (
      <div className="flex flex-col gap-4">
        <h1 className="text-lg font-semibold text-slate-900">Check your email</h1>
        <Notice tone="success">{FORGOT_PASSWORD_SENT}</Notice>
        <p className="text-center text-sm text-slate-600">
          <Link href="/signin/" className={linkClass}>
            Back to sign in
          </Link>
        </p>
      </div>
    );
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-labelledby="forgot-heading">
      <div>
        <h1 id="forgot-heading" className="text-lg font-semibold text-slate-900">
          Reset your password
        </h1>
        <p className="mt-1 text-sm text-slate-600">Enter the email you sign in with. We will send a link to choose a new password.</p>
      </div>
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
      <Button type="submit" busy={busy}>
        Send reset link
      </Button>
      <p className="text-center text-sm text-slate-600">
        Remembered it?{' '}
        <Link href="/signin/" className={linkClass}>
          Back to sign in
        </Link>
      </p>
    </form>
  );
}
