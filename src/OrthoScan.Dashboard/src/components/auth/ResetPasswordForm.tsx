'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { api } from '@/api/client';
import { asApiError, type ApiError } from '@/api/errors';
import { Button, Notice, ProblemAlert, TextField } from '@/components/ui';
import { PASSWORD_MIN } from './SignUpForm';

type FieldErrors = Partial<Record<'password' | 'confirm', string[]>>;

const linkClass = 'font-medium text-accent-700 underline-offset-2 hover:underline';

/** The token from a reset link: `#token=...` (the fragment, so it never reaches a server log). */
export function tokenFromHash(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token')?.trim();
  return token ? token : null;
}

function InvalidLink() {
  return (
    <div className="flex flex-col gap-4">
      <h1 className="text-lg font-semibold text-slate-900">This reset link does not work</h1>
      <div role="alert" className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
        The link is wrong, was used already, or is older than 30 minutes. Ask for a new one and use the newest email.
      </div>
      <p className="text-center text-sm text-slate-600">
        <Link href="/forgot-password/" className={linkClass}>
          Ask for a new link
        </Link>
      </p>
    </div>
  );
}

/** Chooses a new password with the token from the reset email. `token` null: the link had none. */
export function ResetPasswordForm({ token }: { token: string | null }) {
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [state, setState] = useState<'form' | 'done' | 'invalid'>('form');

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!token) return setState('invalid');
    setError(null);
    const errors: FieldErrors = {};
    if (password.length < PASSWORD_MIN) errors.password = [`Use at least ${PASSWORD_MIN} characters.`];
    else if (password !== confirm) errors.confirm = ['The two passwords do not match.'];
    setFieldErrors(errors);
    const first = Object.keys(errors)[0];
    if (first) {
      event.currentTarget.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    const form = event.currentTarget;
    setBusy(true);
    try {
      await api.resetPassword({ token, password });
      setPassword('');
      setConfirm('');
      setState('done');
    } catch (e) {
      const problem = asApiError(e);
      if (problem.slug === 'invalid-reset-token') {
        setState('invalid');
        return;
      }
      setFieldErrors(problem.fieldErrors as FieldErrors);
      setError(problem);
      const field = (['password', 'confirm'] as const).find((name) => problem.fieldErrors[name]?.length);
      if (field) form.querySelector<HTMLElement>(`[name="${field}"]`)?.focus();
    } finally {
      setBusy(false);
    }
  }

  if (!token || state === 'invalid') return <InvalidLink />;

  if (state === 'done') {
    return (
      <div className="flex flex-col gap-4">
        <h1 className="text-lg font-semibold text-slate-900">Password changed</h1>
        <Notice tone="success">Your password is changed. Every session was signed out.</Notice>
        <p className="text-center text-sm text-slate-600">
          <Link href="/signin/" className={linkClass}>
            Sign in
          </Link>
        </p>
      </div>
    );
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-labelledby="reset-heading">
      <div>
        <h1 id="reset-heading" className="text-lg font-semibold text-slate-900">
          Choose a new password
        </h1>
        <p className="mt-1 text-sm text-slate-600">After the change, every session is signed out.</p>
      </div>
      <ProblemAlert error={error} />
      <TextField
        label="New password"
        name="password"
        type="password"
        autoComplete="new-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        errors={fieldErrors.password}
        hint={`At least ${PASSWORD_MIN} characters.`}
        // eslint-disable-next-line jsx-a11y/no-autofocus -- the form is the page's one task, so its first field takes the focus (UI.md: focus always somewhere useful)
        autoFocus
      />
      <TextField label="Repeat password" name="confirm" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} errors={fieldErrors.confirm} />
      <Button type="submit" busy={busy}>
        Change password
      </Button>
    </form>
  );
}
