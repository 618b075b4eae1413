'use client';

import Link from 'next/link';
import { useState, type FormEvent } from 'react';
import { api } from '@/api/client';
import { asApiError, type ApiError } from '@/api/errors';
import type { MfaChallenge, RegisterBody } from '@/api/types';
import { Button, ProblemAlert, TextAreaField, TextField } from '@/components/ui';
import { MfaStep } from './MfaStep';
import { looksLikeEmail } from '@/lib/format';

type Field = 'practiceName' | 'practiceAddress' | 'ownerName' | 'email' | 'password';
type FieldErrors = Partial<Record<Field, string[]>>;

export const PASSWORD_MIN = 12;

function validate(values: Record<Field, string>): FieldErrors {
  const errors: FieldErrors = {};
  if (!values.practiceName.trim()) errors.practiceName = ['Enter the practice name.'];
  if (!values.ownerName.trim()) errors.ownerName = ['Enter your name.'];
  if (!looksLikeEmail(values.email)) errors.email = ['Enter an email address like name@practice.com.'];
  if (values.password.length < PASSWORD_MIN) errors.password = [`Use at least ${PASSWORD_MIN} characters.`];
  return errors;
}

/** Practice self-onboarding: practice + owner, then MFA enrolment. */
export function SignUpForm({ onSignedIn }: { onSignedIn: () => void }) {
  const [values, setValues] = useState<Record<Field, string>>({ practiceName: '', practiceAddress: '', ownerName: '', email: '', password: '' });
  const [fieldErrors, setFieldErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [challenge, setChallenge] = useState<MfaChallenge | null>(null);

  const set = (field: Field) => (e: { target: { value: string } }) => setValues((v) => ({ ...v, [field]: e.target.value }));

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setError(null);
    const errors = validate(values);
    setFieldErrors(errors);
    const first = Object.keys(errors)[0];
    if (first) {
      event.currentTarget.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const body: RegisterBody = {
        practiceName: values.practiceName.trim(),
        practiceAddress: values.practiceAddress.trim() || null,
        ownerName: values.ownerName.trim(),
        email: values.email.trim(),
        password: values.password,
      };
      const result = await api.register(body);
      setChallenge({ mfaRequired: result.mfaRequired, mfaToken: result.mfaToken });
    } catch (e) {
      const problem = asApiError(e);
      setFieldErrors(problem.fieldErrors as FieldErrors);
      setError(problem);
    } finally {
      setBusy(false);
    }
  }

  if (challenge) {
    return (
      <div className="flex flex-col gap-4">
        <p role="status" className="rounded-md bg-accent-50 px-3 py-2 text-sm text-accent-900 ring-1 ring-accent-100">
          Your practice is created. One more step to protect it.
        </p>
        <MfaStep
          challenge={challenge}
          onSignedIn={onSignedIn}
          onRestart={() => window.location.assign('/signin/?next=/welcome/')}
        />
      </div>
    );
  }

  return (
    <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-labelledby="signup-heading">
      <div>
        <h1 id="signup-heading" className="text-lg font-semibold text-slate-900">
          Create your practice account
        </h1>
        <p className="mt-1 text-sm text-slate-600">You will be the practice owner and can invite your team next.</p>
      </div>
      <ProblemAlert error={error} />
      {/* eslint-disable-next-line jsx-a11y/no-autofocus -- the form is the page's one task, so its first field takes the focus (UI.md: focus always somewhere useful) */}
      <TextField label="Practice name" name="practiceName" autoComplete="organization" value={values.practiceName} onChange={set('practiceName')} errors={fieldErrors.practiceName} autoFocus />
      <TextAreaField label="Practice address" name="practiceAddress" autoComplete="street-address" optional rows={2} value={values.practiceAddress} onChange={set('practiceAddress')} errors={fieldErrors.practiceAddress} />
      <TextField label="Your name" name="ownerName" autoComplete="name" value={values.ownerName} onChange={set('ownerName')} errors={fieldErrors.ownerName} />
      <TextField label="Work email" name="email" type="email" autoComplete="email" value={values.email} onChange={set('email')} errors={fieldErrors.email} />
      <TextField
        label="Password"
        name="password"
        type="password"
        autoComplete="new-password"
        value={values.password}
        onChange={set('password')}
        errors={fieldErrors.password}
        hint={`At least ${PASSWORD_MIN} characters. A passphrase of a few words works well.`}
      />
      <Button type="submit" busy={busy}>
        Create practice
      </Button>
      <p className="text-center text-sm text-slate-600">
        Already have an account?{' '}
        <Link href="/signin/" className="font-medium text-accent-700 underline-offset-2 hover:underline">
          Sign in
        </Link>
      </p>
    </form>
  );
}
