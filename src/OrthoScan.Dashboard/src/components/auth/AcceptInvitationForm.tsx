'use client';

import { useState, type FormEvent } from 'react';
import { api } from '@/api/client';
import { asApiError, type ApiError } from '@/api/errors';
import type { MfaChallenge } from '@/api/types';
import { Button, ProblemAlert, TextField } from '@/components/ui';
import { MfaStep } from './MfaStep';
import { PASSWORD_MIN } from './SignUpForm';

type FieldErrors = Partial<Record<'code' | 'password' | 'confirm', string[]>>;

/** An invited doctor or staff member sets a password with the invitation code, then enrols MFA. */
export function AcceptInvitationForm({ initialCode, onSignedIn }: { initialCode: string; onSignedIn: () => void }) {
  const [code, setCode] = useState(initialCode);
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [challenge, setChallenge] = useState<MfaChallenge | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const errors: FieldErrors = {};
    if (!code.trim()) errors.code = ['Enter the invitation code from your practice owner.'];
    if (password.length < PASSWORD_MIN) errors.password = [`Use at least ${PASSWORD_MIN} characters.`];
    else if (password !== confirm) errors.confirm = ['The two passwords do not match.'];
    setFieldErrors(errors);
    const first = Object.keys(errors)[0];
    if (first) {
      event.currentTarget.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    setBusy(true);
    try {
      setChallenge(await api.acceptInvitation({ code: code.trim(), password }));
    } catch (e) {
      const problem = asApiError(e);
      setFieldErrors(problem.fieldErrors as FieldErrors);
      setError(problem);
    } finally {
      setBusy(false);
    }
  }

  if (challenge) {
    return <MfaStep challenge={challenge} onSignedIn={onSignedIn} onRestart={() => window.location.assign('/signin/')} />;
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-labelledby="accept-heading">
      <div>
        <h1 id="accept-heading" className="text-lg font-semibold text-slate-900">
          Join your practice on OrthoScan
        </h1>
        <p className="mt-1 text-sm text-slate-600">Choose a password, then set up two-factor authentication.</p>
      </div>
      <ProblemAlert error={error} />
      <TextField label="Invitation code" name="code" autoComplete="off" value={code} onChange={(e) => setCode(e.target.value)} errors={fieldErrors.code} className="font-mono" />
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
        autoFocus={Boolean(initialCode)}
      />
      <TextField label="Repeat password" name="confirm" type="password" autoComplete="new-password" value={confirm} onChange={(e) => setConfirm(e.target.value)} errors={fieldErrors.confirm} />
      <Button type="submit" busy={busy}>
        Set password
      </Button>
    </form>
  );
}
