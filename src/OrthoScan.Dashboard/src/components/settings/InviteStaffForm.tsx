'use client';

import { useRef, useState, type FormEvent } from 'react';
import { api } from '@/api/client';
import { asApiError, type ApiError } from '@/api/errors';
import type { InviteStaffResponse, StaffRole } from '@/api/types';
import { CopyButton } from '@/components/CopyButton';
import { Button, ProblemAlert, SelectField, TextField } from '@/components/ui';
import { formatDateTime, looksLikeEmail } from '@/lib/format';

type Field = 'name' | 'email' | 'role';
interface Sent extends InviteStaffResponse { name: string; email: string; role: StaffRole; link: string }

export function invitationLink(code: string, origin: string): string {
  return `${origin}/accept-invitation/?code=${encodeURIComponent(code)}`;
}

/** Owner-only: invites a doctor or staff member and shows the one-time code and link to pass on. */
export function InviteStaffForm() {
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<StaffRole>('doctor');
  const [errors, setErrors] = useState<Partial<Record<Field, string[]>>>({});
  const [problem, setProblem] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [sent, setSent] = useState<Sent[]>([]);
  const nameRef = useRef<HTMLInputElement>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setProblem(null);
    const local: Partial<Record<Field, string[]>> = {};
    if (!name.trim()) local.name = ['Enter their name.'];
    if (!looksLikeEmail(email)) local.email = ['Enter an email address like name@practice.com.'];
    setErrors(local);
    const first = Object.keys(local)[0];
    if (first) {
      event.currentTarget.querySelector<HTMLElement>(`[name="${first}"]`)?.focus();
      return;
    }
    setBusy(true);
    try {
      const result = await api.inviteStaff({ name: name.trim(), email: email.trim(), role });
      setSent((s) => [{ ...result, name: name.trim(), email: email.trim(), role, link: invitationLink(result.invitationCode, window.location.origin) }, ...s]);
      setName('');
      setEmail('');
      nameRef.current?.focus();
    } catch (e) {
      const apiError = asApiError(e);
      setErrors(apiError.fieldErrors);
      setProblem(apiError);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="flex flex-col gap-6">
      <form onSubmit={submit} noValidate className="flex flex-col gap-4" aria-label="Invite a team member">
        <ProblemAlert error={problem} />
        <div className="grid gap-4 sm:grid-cols-3">
          <TextField ref={nameRef} label="Name" name="name" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} errors={errors.name} />
          <TextField label="Email" name="email" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} errors={errors.email} />
          <SelectField label="Role" name="role" value={role} onChange={(e) => setRole(e.target.value as StaffRole)} errors={errors.role}>
            <option value="doctor">Doctor (reviews scans)</option>
            <option value="staff">Staff (manages patients)</option>
          </SelectField>
        </div>
        <div>
          <Button type="submit" busy={busy}>Send invitation</Button>
        </div>
      </form>

      {sent.length > 0 && (
        <div className="flex flex-col gap-3" aria-live="polite">
          <h3 className="text-sm font-semibold text-slate-900">Invitations created</h3>
          {sent.map((s) => (
            <div key={s.memberId} className="rounded-md border border-accent-100 bg-accent-50/60 p-4" data-testid="invitation">
              <p className="text-sm text-slate-800">
                <span className="font-medium">{s.name}</span> ({s.email}) is invited as {s.role}. Send them this link; the code is shown only now.
              </p>
              <div className="mt-3 flex flex-wrap items-center gap-2">
                <code className="rounded bg-white px-2 py-1 font-mono text-sm text-slate-900 ring-1 ring-slate-200">{s.invitationCode}</code>
                <CopyButton value={s.link} label="Copy link" />
              </div>
              <p className="mt-2 break-all text-xs text-slate-600">{s.link}</p>
              <p className="mt-1 text-xs text-slate-500">Valid until {formatDateTime(s.expiresAt)}.</p>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
